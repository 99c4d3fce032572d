"""Download and integrity helpers for datasets: checksums, fetching (where a network exists), archive extraction."""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tarfile
import urllib.error
import urllib.request
import zipfile


def calculate_md5(path, chunk_size=1 << 20) -> str:
    md5 = hashlib.md5(usedforsecurity=False)
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(chunk_size), b''):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(path, md5) -> bool:
    return md5 == calculate_md5(path)


def check_integrity(path, md5=None) -> bool:
    """True when ``path`` exists (and, given ``md5``, has that checksum)."""
    if not os.path.isfile(path):
        return False
    return md5 is None or check_md5(path, md5)


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3, timeout=30):
    """Fetch ``url`` into ``root`` and verify its checksum; a clear RuntimeError when there is no network."""
    root = os.path.expanduser(root)
    filename = filename or os.path.basename(url)
    path = os.path.join(root, filename)
    os.makedirs(root, exist_ok=True)
    if check_integrity(path, md5):
        return path
    tmp = path + '.part'
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={'User-Agent': 'ember'}),
                                    timeout=timeout) as response, open(tmp, 'wb') as out:
            shutil.copyfileobj(response, out)
    except (urllib.error.URLError, OSError) as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise RuntimeError(f'Failed to download {url}: {exc}. There may be no network here: place the files in '
                           f'{root} yourself and construct the dataset with download=False.') from None
    os.replace(tmp, path)
    if not check_integrity(path, md5):
        raise RuntimeError(f'File not found or corrupted: {path} (checksum mismatch after downloading {url})')
    return path


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract .tar/.tar.gz/.tgz/.zip archives, or decompress a single .gz file."""
    to_path = to_path or os.path.dirname(from_path)
    if from_path.endswith(('.tar', '.tar.gz', '.tgz', '.tar.bz2', '.tar.xz')):
        with tarfile.open(from_path) as tar:
            tar.extractall(to_path, filter='data')
    elif from_path.endswith('.zip'):
        with zipfile.ZipFile(from_path) as z:
            z.extractall(to_path)
    elif from_path.endswith('.gz'):
        target = os.path.join(to_path, os.path.basename(from_path)[:-3])
        with gzip.open(from_path, 'rb') as src, open(target, 'wb') as dst:
            shutil.copyfileobj(src, dst)
    else:
        raise RuntimeError(f'Extraction of {from_path} not supported')
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    path = download_url(url, download_root, filename, md5)
    extract_archive(path, extract_root or download_root, remove_finished)
