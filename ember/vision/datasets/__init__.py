"""ember.vision.datasets: torchvision's datasets (MNIST family, CIFAR, folders, FakeData) and the bundled Digits."""
from .cifar import CIFAR10, CIFAR100  # noqa: F401
from .digits import Digits  # noqa: F401
from .fakedata import FakeData  # noqa: F401
from .folder import DatasetFolder, ImageFolder  # noqa: F401
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST  # noqa: F401
from .vision import VisionDataset  # noqa: F401
