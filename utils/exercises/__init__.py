"""Exercises: the learner writes the course's functions, a check says at once what is right or wrong.

Each `check_<name>(fn)` runs the learner's `fn` on a small example that can be
checked by hand and on seeded random ones, compares with the library's
function, and prints one line: `✓` on success, "not written yet" for a stub,
or what is wrong with a hint (a wrong shape, a transposed W, a missing bias
or 1/m, the wrong derivative, a cache in the wrong order, an input changed in
place, ...). It returns a `Feedback` (`passed`, `message`) and never raises.
The engine is `core.py`; one module per notebook holds its exercises;
`generate.py` writes the learner's notebooks (`python -m utils.exercises generate`).
"""

from .core import Exercise, Feedback, Mistake, run_check, your_functions
from .logistic import (check_binary_cross_entropy, check_initialize_with_zeros, check_propagate, check_sigmoid,
                       check_sigmoid_backward)
from .shallow import check_initialize_parameters, check_tanh, check_tanh_backward
from .deep import (check_L_model_backward, check_L_model_forward, check_compute_cost,
                   check_initialize_parameters_deep, check_linear_activation_backward, check_linear_activation_forward,
                   check_linear_backward, check_linear_forward, check_update_parameters)
from .optimization import (check_dropout_backward, check_dropout_forward, check_l2_cost, check_l2_gradient,
                           check_random_mini_batches, check_relative_error, check_schedule_lr_decay,
                           check_update_parameters_with_adam, check_update_parameters_with_momentum)
from .softmax import check_categorical_cross_entropy, check_softmax, check_softmax_cross_entropy_backward

CHECKS = {name[len("check_"):]: obj for name, obj in sorted(globals().items()) if name.startswith("check_")}
