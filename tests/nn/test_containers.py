"""Containers vs torch: indexing, slicing, mutation, renumbering, errors and reprs."""
from __future__ import annotations

from collections import OrderedDict

import pytest

import ember
import torch


def seq(lib, n=4):
    nn = lib.nn
    return nn.Sequential(*[nn.Linear(i + 1, i + 2) for i in range(n)])


def names(module):
    return [n for n, _ in module.named_modules()]


OPS = [
    ('getitem', lambda lib, s: repr(s[1])),
    ('getitem_neg', lambda lib, s: repr(s[-1])),
    ('slice', lambda lib, s: repr(s[1:3])),
    ('slice_type', lambda lib, s: type(s[::2]).__name__),
    ('len', lambda lib, s: len(s)),
    ('iter', lambda lib, s: [m.in_features for m in s]),
    ('append', lambda lib, s: repr(s.append(lib.nn.ReLU()))),
    ('insert', lambda lib, s: repr(s.insert(1, lib.nn.Tanh()))),
    ('insert_neg', lambda lib, s: repr(s.insert(-1, lib.nn.Tanh()))),
    ('extend', lambda lib, s: repr(s.extend([lib.nn.ReLU(), lib.nn.Tanh()]))),
    ('pop', lambda lib, s: (repr(s.pop(1)), repr(s))),
    ('delitem', lambda lib, s: (s.__delitem__(0), repr(s))[1]),
    ('delslice', lambda lib, s: (s.__delitem__(slice(1, 3)), repr(s))[1]),
    ('setitem', lambda lib, s: (s.__setitem__(-2, lib.nn.ReLU()), repr(s))[1]),
    ('add', lambda lib, s: repr(s + seq(lib, 2))),
    ('iadd', lambda lib, s: (s.__iadd__(seq(lib, 1)), repr(s))[1]),
    ('mul', lambda lib, s: repr(seq(lib, 2) * 2)),
    ('rmul', lambda lib, s: repr(2 * seq(lib, 1))),
    ('imul', lambda lib, s: (s.__imul__(2), names(s))[1]),
    ('ordered', lambda lib, s: repr(lib.nn.Sequential(OrderedDict([('a', lib.nn.ReLU()), ('b', lib.nn.Tanh())])))),
    ('state_dict', lambda lib, s: list(s.state_dict())),
    ('dir_no_digits', lambda lib, s: [k for k in dir(s) if k.isdigit()]),
]


@pytest.mark.parametrize('name,op', OPS, ids=[o[0] for o in OPS])
def test_sequential_ops(name, op):
    assert op(ember, seq(ember)) == op(torch, seq(torch))


SEQ_ERRORS = [
    lambda lib, s: s[10], lambda lib, s: s[-10], lambda lib, s: s + 3, lambda lib, s: s * 0, lambda lib, s: s * 1.5,
    lambda lib, s: s.insert(9, lib.nn.ReLU()), lambda lib, s: s.insert(0, 3),
]


@pytest.mark.parametrize('i', range(len(SEQ_ERRORS)))
def test_sequential_errors(i):
    out = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:
            SEQ_ERRORS[i](lib, seq(lib))
        out.append((type(info.value).__name__, str(info.value).replace('torch.nn.modules', 'M').replace(
            'ember.nn.modules', 'M')))
    assert out[0] == out[1]


def mlist(lib):
    nn = lib.nn
    return nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2)])


LIST_OPS = [
    ('repr', lambda lib, m: repr(m)),
    ('getitem', lambda lib, m: repr(m[-1])),
    ('slice', lambda lib, m: repr(m[1:])),
    ('append', lambda lib, m: repr(m.append(lib.nn.Tanh()))),
    ('extend', lambda lib, m: repr(m.extend([lib.nn.Tanh(), lib.nn.Tanh()]))),
    ('insert', lambda lib, m: (m.insert(1, lib.nn.Tanh()), repr(m))[1]),
    ('pop', lambda lib, m: (repr(m.pop(0)), repr(m))),
    ('del', lambda lib, m: (m.__delitem__(1), names(m))[1]),
    ('delslice', lambda lib, m: (m.__delitem__(slice(0, 2)), names(m))[1]),
    ('setitem', lambda lib, m: (m.__setitem__(0, lib.nn.ReLU()), repr(m))[1]),
    ('add', lambda lib, m: repr(m + [lib.nn.ReLU()])),
    ('iadd', lambda lib, m: (m.__iadd__([lib.nn.ReLU()]), len(m))[1]),
    ('params', lambda lib, m: [n for n, _ in m.named_parameters()]),
    ('empty', lambda lib, m: repr(lib.nn.ModuleList())),
]


@pytest.mark.parametrize('name,op', LIST_OPS, ids=[o[0] for o in LIST_OPS])
def test_module_list_ops(name, op):
    assert op(ember, mlist(ember)) == op(torch, mlist(torch))


def test_module_list_errors():
    for call in (lambda lib, m: m[7], lambda lib, m: m.extend(3)):
        out = []
        for lib in (ember, torch):
            with pytest.raises(Exception) as info:
                call(lib, mlist(lib))
            out.append((type(info.value).__name__, str(info.value)))
        assert out[0] == out[1]


def mdict(lib):
    nn = lib.nn
    return nn.ModuleDict({'conv': nn.Linear(2, 3), 'act': nn.ReLU()})


DICT_OPS = [
    ('repr', lambda lib, d: repr(d)),
    ('keys', lambda lib, d: list(d.keys())),
    ('iter', lambda lib, d: list(d)),
    ('contains', lambda lib, d: ('act' in d, 'x' in d)),
    ('setitem', lambda lib, d: (d.__setitem__('new', lib.nn.Tanh()), repr(d))[1]),
    ('pop', lambda lib, d: (repr(d.pop('conv')), list(d))),
    ('update_pairs', lambda lib, d: (d.update([('z', lib.nn.ReLU()), ('a', lib.nn.Tanh())]), list(d))[1]),
    ('clear', lambda lib, d: (d.clear(), len(d))[1]),
    ('items', lambda lib, d: [(k, type(v).__name__) for k, v in d.items()]),
]


@pytest.mark.parametrize('name,op', DICT_OPS, ids=[o[0] for o in DICT_OPS])
def test_module_dict_ops(name, op):
    assert op(ember, mdict(ember)) == op(torch, mdict(torch))


def test_module_dict_update_errors():
    for arg in (3, [(1, 2, 3)], [3]):
        out = []
        for lib in (ember, torch):
            with pytest.raises(Exception) as info:
                mdict(lib).update(arg)
            out.append((type(info.value).__name__, str(info.value)))
        assert out[0] == out[1]


def plist(lib):
    return lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(4), lib.nn.Parameter(lib.ones(1))])


def test_parameter_list():
    for op in (lambda lib, p: repr(p), lambda lib, p: [n for n, _ in p.named_parameters()],
               lambda lib, p: len(p), lambda lib, p: repr(p[1:]), lambda lib, p: type(p[1]).__name__,
               lambda lib, p: repr(p.append(lib.ones(5))), lambda lib, p: repr(p.extend([lib.ones(1), 'x'])),
               lambda lib, p: [tuple(q.shape) for q in p]):
        assert op(ember, plist(ember)) == op(torch, plist(torch))
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match='ParameterList should not be called.'):
            plist(lib)(1)
        with pytest.raises(TypeError, match='ParameterList.extend should be called with an iterable'):
            plist(lib).extend(lib.ones(1))


def pdict(lib):
    return lib.nn.ParameterDict({'b': lib.nn.Parameter(lib.ones(2)), 'a': lib.zeros(3, 2)})


def test_parameter_dict():
    for op in (lambda lib, p: repr(p), lambda lib, p: list(p.keys()),
               lambda lib, p: [n for n, _ in p.named_parameters()],
               lambda lib, p: ('a' in p, 'z' in p), lambda lib, p: type(p['a']).__name__,
               lambda lib, p: (p.__setitem__('c', lib.ones(1)), list(p))[1], lambda lib, p: (p.pop('b'), list(p))[1],
               lambda lib, p: p.popitem()[0], lambda lib, p: list(p.copy()),
               lambda lib, p: (p.update(OrderedDict([('z', lib.ones(1)), ('y', lib.ones(1))])), list(p))[1],
               lambda lib, p: list(p | lib.nn.ParameterDict({'q': lib.ones(1)})),
               lambda lib, p: p.get('nope', 5), lambda lib, p: tuple(p.setdefault('s', lib.ones(2)).shape)):
        assert op(ember, pdict(ember)) == op(torch, pdict(torch))
    for lib in (ember, torch):
        with pytest.raises(TypeError) as info:
            pdict(lib)[3]
        assert 'cannot be used as a key as it is not a string' in str(info.value)
