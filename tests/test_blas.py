"""utils/blas.py: training runs on one BLAS thread when its products are small, and the limit is undone after."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from utils import NeuralNetwork
from utils.blas import MAX_SINGLE_THREAD_MACS, blas_threads_for, largest_product

pytestmark = pytest.mark.skipif(not any(lib["user_api"] == "blas" for lib in threadpool_info()),
                                reason="threadpoolctl finds no BLAS library behind NumPy")


def blas_threads():
    """The thread count of every BLAS library NumPy loaded, e.g. [2]."""
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


@pytest.fixture
def two_threads():
    """BLAS set to 2 threads for the test (whatever OPENBLAS_NUM_THREADS says), the old limits restored after."""
    with threadpool_limits(limits=2, user_api="blas"):
        if set(blas_threads()) != {2}:
            pytest.skip("this BLAS cannot be set to 2 threads")
        yield


def test_largest_product():
    assert largest_product([12288, 20, 7, 5, 1], 209) == 20 * 12288 * 209
    assert largest_product([784, 128, 10], 64) == 128 * 784 * 64
    assert largest_product([2, 4096, 4096, 1], 100) == 4096 * 4096 * 100   # not always the first layer


def test_small_products_run_on_one_thread_and_the_limit_is_restored(two_threads):
    assert largest_product([12288, 20, 7, 5, 1], 209) < MAX_SINGLE_THREAD_MACS
    with blas_threads_for([12288, 20, 7, 5, 1], 209):
        assert set(blas_threads()) == {1}
    assert set(blas_threads()) == {2}


def test_the_limit_is_restored_after_an_error(two_threads):
    with pytest.raises(RuntimeError):
        with blas_threads_for([784, 128, 10], 64):
            raise RuntimeError("training failed")
    assert set(blas_threads()) == {2}


def test_large_products_keep_the_threads(two_threads):
    dims = [4096, 4096, 10]
    assert largest_product(dims, 4096) >= MAX_SINGLE_THREAD_MACS
    with blas_threads_for(dims, 4096):
        assert set(blas_threads()) == {2}
    with blas_threads_for(dims, 4096, threshold=float("inf")):
        assert set(blas_threads()) == {1}


def test_it_never_raises_the_thread_count():
    with threadpool_limits(limits=1, user_api="blas"):
        with blas_threads_for([4096, 4096, 10], 4096):
            assert set(blas_threads()) == {1}
        assert set(blas_threads()) == {1}


@pytest.mark.parametrize("options", [dict(), dict(optimizer="adam", batch_size=16),
                                     dict(dtype=np.float64)])  # float64 + gd: the fast path of utils/span.py
def test_fit_trains_on_one_thread_and_restores_the_threads(two_threads, options):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((300, 40)), rng.integers(0, 2, 40)
    seen = []
    model = NeuralNetwork(hidden_layers=(8,), epochs=3, **options)
    model.fit(X, y, callback=lambda epoch, model: seen.append(blas_threads()))
    assert seen == [[1]] * 3
    assert set(blas_threads()) == {2}


def test_fit_restores_the_threads_when_training_fails(two_threads):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((300, 40)), rng.integers(0, 2, 40)

    def fail(epoch, model):
        assert set(blas_threads()) == {1}
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        NeuralNetwork(hidden_layers=(8,), epochs=3).fit(X, y, callback=fail)
    assert set(blas_threads()) == {2}


def _train(seed, optimizer="adam"):
    """A small float32 training whose last bits depend on how its products are split."""
    X = np.random.default_rng(seed).standard_normal((300, 200)).astype(np.float32)
    Y = (X[:3].sum(axis=0, keepdims=True) > 0).astype(np.float32)
    net = NeuralNetwork(hidden_layers=(40, 8), optimizer=optimizer, batch_size=32, epochs=15, keep_prob=0.9,
                        learning_rate=0.01, seed=seed).fit(X, Y)
    return net.parameters_, net.history_["cost"]


def test_map_in_parallel_gives_the_plain_loops_results_to_the_last_bit(two_threads):
    from utils.blas import map_in_parallel

    seeds = [1, 2, 3, 4, 5]
    with threadpool_limits(limits=1, user_api="blas"):
        alone = [_train(seed) for seed in seeds]
    together = map_in_parallel(_train, seeds, workers=3)
    assert set(blas_threads()) == {2}                      # the limit is undone after
    for (p1, c1), (p2, c2) in zip(alone, together):
        assert c1 == c2 and all(np.array_equal(p1[k], p2[k]) for k in p1)
    assert map_in_parallel(lambda x: x * x, range(7), workers=2) == [0, 1, 4, 9, 16, 25, 36]


def test_map_in_parallel_raises_the_first_error_and_checks_workers(monkeypatch):
    from utils.blas import default_workers, map_in_parallel

    def fail_on_three(x):
        if x == 3:
            raise ValueError("three")
        return x

    with pytest.raises(ValueError, match="three"):
        map_in_parallel(fail_on_three, range(6), workers=2)
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="workers: expected a whole number >= 1"):
            map_in_parallel(abs, [1, 2], workers=bad)
    monkeypatch.setenv("TRAINING_WORKERS", "3")
    assert default_workers() == 3
    monkeypatch.setenv("TRAINING_WORKERS", "two")
    with pytest.raises(ValueError, match="TRAINING_WORKERS: expected a whole number >= 1, got 'two'"):
        default_workers()
    monkeypatch.delenv("TRAINING_WORKERS")
    assert 1 <= default_workers() <= 4
