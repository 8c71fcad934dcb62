"""Interactive explorers (ipywidgets) for the notebooks: move a slider, see the network change.

    from utils.explorers import planar_explorer, optimizer_explorer, cats_explorer, photo_explorer, course_explorer
    from utils.explorers import filter_explorer
    planar_explorer()        # the last line of a cell displays the explorer

Each function returns one widget (an `Explorer`, a VBox) that has already
drawn its initial state with the default values, so it also renders when a
notebook is executed non-interactively (nbval, nbconvert).

One module per explorer, each a class (the functions build them):

    planar.py      PlanarExplorer     one hidden layer on 2-D points: decision boundary and cost
    optimisers.py  OptimizerExplorer  GD, momentum, RMSprop and Adam on a 2-D loss surface
    cats.py        CatsExplorer       train a cat classifier on real photos; Train / Stop / Save
    photo.py       PhotoExplorer      upload a photo, see P(cat) from a saved network
    course.py      CourseExplorer     the course's 4-layer network on catvnoncat, retrained per slider move
    filters.py     FilterExplorer     a 3 x 3 kernel on a cat photo: feature map and pooled map (utils.conv)
    common.py      Explorer (the base class), Debouncer, figure -> PNG, sliders

The library does all the maths: `NeuralNetwork` trains, `plots` draws,
`optimizer_surfaces` (through `optimizers.OPTIMIZERS`) moves the optimisers,
`datasets` and `preprocessing` prepare the photos, `conv` convolves and pools
them, `persistence` saves and loads parameters. `SURFACES` and `optimizer_trajectories` live in
`utils.optimizer_surfaces` and are re-exported here.
"""

from ..optimizer_surfaces import SURFACES, optimizer_trajectories
from .cats import EXPLORER_CATS_FILE, CatsExplorer, cats_explorer
from .common import PARAMETERS_DIR, PROJECT_ROOT, Debouncer, Explorer
from .course import COURSE_LAYERS, CourseExplorer, course_explorer
from .filters import KERNEL_PRESETS, FilterExplorer, filter_explorer, filter_maps
from .optimisers import OPTIMIZER_COLOURS, OptimizerExplorer, optimizer_explorer
from .photo import PhotoExplorer, photo_explorer
from .planar import PLANAR_DATASETS, PlanarExplorer, planar_explorer

__all__ = ["planar_explorer", "optimizer_explorer", "cats_explorer", "photo_explorer", "course_explorer",
           "filter_explorer", "PlanarExplorer", "OptimizerExplorer", "CatsExplorer", "PhotoExplorer",
           "CourseExplorer", "FilterExplorer", "Explorer", "Debouncer", "PLANAR_DATASETS", "SURFACES",
           "optimizer_trajectories", "OPTIMIZER_COLOURS", "COURSE_LAYERS", "KERNEL_PRESETS", "filter_maps",
           "EXPLORER_CATS_FILE", "PARAMETERS_DIR", "PROJECT_ROOT"]
