"""The pictures and the epoch slider of notebook 02, driven without a browser."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lessonlib.data import bars_and_stripes, binarize, load_digits
from lessonlib.lessons import rbm_reconstruction as rbm_explorer
from lessonlib.rbm import RBM


@pytest.fixture(scope="module")
def trained():
    X = binarize(load_digits()[0][:300])
    model = RBM(64, 25, seed=0)
    history = model.fit(X, epochs=4, lr=0.1, batch_size=20, momentum=0.5, seed=0, snapshot_epochs=range(5))
    return model, history, X[:6]


def test_explorer_slider_redraws(trained):
    _, history, X_show = trained
    explorer = rbm_explorer.EpochExplorer(history, X_show, epoch=4)
    first = explorer.image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    explorer.controls["epoch"].value = 0  # what a slider move does
    assert explorer.image.value != first
    assert "epoch 0" in explorer.status.value
    again = explorer.set(epoch=4)
    assert again == first  # same epoch, same picture
    assert explorer.last_seconds < 2.0
    for epoch in range(5):
        explorer.set(epoch=epoch)
    assert explorer.widget is not None
    plt.close("all")


def test_explorer_slider_is_live_and_repaints_only_what_changes(trained):
    import io
    import warnings

    from PIL import Image

    _, history, X_show = trained
    explorer = rbm_explorer.EpochExplorer(history, X_show, epoch=0)
    assert explorer.controls["epoch"].continuous_update  # follows the mouse while dragged
    assert explorer.animated

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in (explorer.controls["epoch"].max, explorer.controls["epoch"].min, 2):
            png = explorer.set(epoch=epoch)
            # equal up to the resampling of the pictures' edges
            differ = (pixels(png) != pixels(explorer.render_full())).any(axis=2)
            assert differ.mean() < 0.01, (epoch, differ.mean())
    plt.close("all")


def test_panels_use_nearest_earlier_snapshot(trained):
    _, history, X_show = trained
    fig = plt.figure()
    panels = rbm_explorer.EpochPanels(fig, history, X_show, n_filters=9)
    assert panels.nearest(3) == 3 and panels.nearest(99) == 4
    assert panels.update(2).startswith("epoch 2: reconstruction error")
    with pytest.raises(ValueError, match="snapshots"):
        rbm_explorer.EpochPanels(fig, type(history)(), X_show)
    plt.close(fig)


def test_static_pictures_draw_without_warnings(trained):
    model, _history, X_show = trained
    fig, axes = plt.subplots(2, 4)
    drawn = rbm_explorer.draw_passes(axes[0], model, X_show[0], seed=0)
    assert drawn["p_h"].shape == (25,) and drawn["x_hat"].shape == (64,)
    again = rbm_explorer.draw_passes(axes[0], model, X_show[:1], seed=0)  # one image as a (1, 64) row
    assert np.array_equal(again["x_hat"], drawn["x_hat"])
    rbm_explorer.draw_bipartite(axes[1, 0], 4, 3, W=model.W[:4, :3])
    rbm_explorer.draw_bipartite(axes[1, 1])
    rbm_explorer.gibbs_grid(axes[1, 2], model, X_show[:2], [1, 5], seed=0)
    X = bars_and_stripes(2)
    small = RBM(4, 3, seed=0)
    run = small.fit(X, epochs=20, lr=0.5, seed=0, track_every=5)
    rbm_explorer.draw_training_curves(axes[1, 3], axes[0, 3], {"CD-1": run}, best_log_likelihood=-np.log(6))
    fig2, ax = plt.subplots()
    assert rbm_explorer.draw_recon_vs_likelihood(ax, run) in run.likelihood_epoch
    snapped = RBM(4, 3, seed=0).fit(X, epochs=20, lr=0.5, seed=0, track_every=5, snapshot_epochs=range(0, 21, 5))
    fig3, ax3 = plt.subplots()
    assert rbm_explorer.draw_recon_vs_likelihood(ax3, snapped, X=X) in snapped.likelihood_epoch
    full_line = ax3.get_lines()[1]  # the full-pass errors at the snapshot epochs
    assert list(full_line.get_xdata()) == [0, 5, 10, 15, 20]
    assert full_line.get_ydata()[-1] == pytest.approx(small.reconstruction_error(X), rel=1e-12)
    fig3.canvas.draw()
    fig.canvas.draw()
    fig2.canvas.draw()
    plt.close("all")


def test_model_vs_data_adds_up_and_moves_towards_the_data():
    bas = bars_and_stripes(3)
    untrained = RBM(9, 16, seed=0)
    before = rbm_explorer.model_vs_data(untrained, bas)
    assert before["p_data"] == pytest.approx(1 / 14)
    assert before["n_elsewhere"] == 512 - 14
    assert before["p_model"].sum() + before["p_elsewhere"] == pytest.approx(1.0)
    assert before["p_elsewhere"] > 0.9  # almost uniform over 512 images: 14/512 on the data
    trained = RBM(9, 16, seed=0)
    trained.fit(bas, epochs=1000, lr=0.2, seed=0, track_likelihood=False)
    after = rbm_explorer.model_vs_data(trained, bas)
    assert after["p_elsewhere"] < 0.5 < before["p_elsewhere"]  # measured: 0.97 before, 0.26 after
    fig, ax = plt.subplots()
    rbm_explorer.draw_model_vs_data(ax, trained, bas, title="after 1000 epochs")
    assert len(ax.patches) == 15
    plt.close(fig)
