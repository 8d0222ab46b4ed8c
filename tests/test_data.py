"""helpers.data: the toy generators and the shipped digits (checksums, shapes, splits)."""

import hashlib

import numpy as np
import pytest

from helpers import data

FILE_SHA256 = "b2dab7b501728c22e9119ad76740b2e17c77a231e42d1e592380d90886f1a05e"
IMAGES_SHA256 = "8f26b2bd9d135c256808f68f14fdabddde6d9c7f869ae419704b051f0f14b3b3"
LABELS_SHA256 = "8ba4f891220f5e4c9c819638d1602d74b83618f167043c6da52a2a247841ddf0"


def test_digits_file_checksum():
    assert hashlib.sha256(data.DIGITS_PATH.read_bytes()).hexdigest() == FILE_SHA256


def test_digits_arrays_checksums_and_content():
    with np.load(data.DIGITS_PATH) as f:
        images, labels = f["images"], f["labels"]
        assert sorted(f.files) == ["images", "labels"]
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert labels.shape == (1797,) and labels.dtype == np.uint8
    assert hashlib.sha256(images.tobytes()).hexdigest() == IMAGES_SHA256
    assert hashlib.sha256(labels.tobytes()).hexdigest() == LABELS_SHA256
    assert images.max() == 16 and images.min() == 0
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits_readme_states_source_licence_and_checksum():
    text = (data.DIGITS_PATH.parent / "README.md").read_text(encoding="utf-8")
    for needle in ("CC BY 4.0", "10.24432/C50P49", "Alpaydin", "Kaynak", FILE_SHA256):
        assert needle in text


def test_load_digits_split_is_stratified_deterministic_and_disjoint():
    Xtr, ytr, Xte, yte = data.load_digits()
    assert Xtr.shape == (1347, 64) and Xte.shape == (450, 64)
    assert Xtr.dtype == np.float64 and ytr.dtype == np.int64
    assert 0.0 <= Xtr.min() and Xtr.max() == 1.0
    counts = np.bincount(ytr, minlength=10) / np.bincount(np.r_[ytr, yte], minlength=10)
    np.testing.assert_allclose(counts, 0.75, atol=0.01)
    again = data.load_digits()
    for a, b in zip((Xtr, ytr, Xte, yte), again):
        np.testing.assert_array_equal(a, b)
    X, y = data.load_digits(split=None, scale=False)
    assert X.shape == (1797, 64) and X.max() == 16
    rows = {r.tobytes() for r in (X / 16)}
    assert len(rows) >= 1790
    with pytest.raises(ValueError, match="split"):
        data.load_digits(split=1.5)


GENERATORS = {
    "moons": data.make_moons,
    "circles": data.make_circles,
    "xor": data.make_xor,
    "blobs": data.make_blobs,
    "spirals": data.make_spirals,
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("n", [2, 3, 101, 200])
def test_toy_data_shapes_dtypes_balance_determinism(name, n):
    make = GENERATORS[name]
    if name in ("blobs",) and n < 3:
        pytest.skip("three classes need three points")
    X, y = make(n=n, noise=0.1, seed=0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y)
    if name != "xor":
        assert counts.max() - counts.min() <= 1  # balanced classes
    X2, y2 = make(n=n, noise=0.1, seed=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(n=n, noise=0.1, seed=1)
    assert not np.array_equal(X, X3)


def test_spirals_and_blobs_class_counts():
    assert np.bincount(data.make_spirals(n=300, seed=0, n_classes=3)[1]).tolist() == [100] * 3
    assert np.bincount(data.make_blobs(n=200, seed=0, n_classes=4)[1]).tolist() == [50] * 4


def test_noise_free_moons_lie_on_their_half_circles():
    X, y = data.make_moons(n=50, noise=0.0, seed=0)
    top = X[y == 0]
    np.testing.assert_allclose(np.hypot(top[:, 0], top[:, 1]), 1.0)
    bottom = X[y == 1]
    np.testing.assert_allclose(np.hypot(bottom[:, 0] - 1, bottom[:, 1] - 0.5), 1.0)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="n must be"):
        data.make_moons(n=1)
    with pytest.raises(ValueError, match="n must be"):
        data.make_moons(n=2.5)
    with pytest.raises(ValueError, match="noise"):
        data.make_circles(noise=-1)
    with pytest.raises(ValueError, match="factor"):
        data.make_circles(factor=2)
    with pytest.raises(ValueError, match="n_classes"):
        data.make_spirals(n_classes=1)
