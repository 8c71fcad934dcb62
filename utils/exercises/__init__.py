"""Exercises: the learner writes the course's functions, a check says at once what is right or wrong.

Each `check_<name>(fn)` runs the learner's `fn` on a small example that can be
checked by hand and on seeded random ones, compares with the library's
function, and prints one line: `✓` on success, "not written yet" for a stub,
or what is wrong with a hint (a wrong shape, a transposed W, a missing bias
or 1/m, the wrong derivative, a cache in the wrong order, an input changed in
place, ...). It returns a `Feedback` (`passed`, `message`, `kind`) and never raises
(while nbgrader grades, `NBGRADER_EXECUTION` set, a check that does not pass raises
`AssertionError` with its line, so the test cell scores 0 and shows the hint).
The engine is `core.py`; `guard.py` keeps a check standing whatever the function does
(a time limit, the library put back, Ctrl-C kept apart); `explain.py` holds the hints
every exercise gets (a factor named, an order, a transpose, a missing term, an update
rule as a formula, an exception in plain words); one module per notebook holds its
exercises; `generate.py` writes the learner's notebooks (`python -m utils.exercises generate`).

How specific the hints are, measured (`python -m utils.exercises mutants --beginners`,
`mutants.py`): 17 operators on the syntax tree of every solution (a dropped factor or term,
a transposed operand, a flipped sign, an index off by one, a swapped return or unpacking,
an in-place change, a wrong axis, keepdims or the axis dropped, a swapped activation, a
dropped call, a wrong function, a flipped comparison, a dropped statement) derive 1269
variants; 26 are equivalent (✓: float() dropped, epsilon inside the tolerance, a shape
unpacked in another order and unpacked again...). Of the 1243 others, 1235 get a specific
hint: 99.4 % (every exercise >= 90 %; chapter 7's five, 271 of 271; before this engine:
28.9 %). The 8 generic ones are operand swaps of a power, `1 - 2 ** t`, `2 ** g`,
softmax's `exp(-max)` without Z, and five of the normalizations' (a dZ or an out of the
wrong shape, in-place products that cannot broadcast, a Z_hat of -mu alone): the fallback
names their shape, values or exception. "Generic" is
`Feedback.generic`: the first difference with the shapes as the hint, an exception no hint
explains, a result the check cannot compare (and "not written yet" for a written function).
The 143 hand-written beginner mistakes of `beginners.py`, which the hints were not tuned on
(except the fifteen newest exercises, see its docstring): 19 equivalent, 101 of the 124 others
specific, 81 % (before: 22.5 %). The run of all takes
about 20-30 s on the project's 2-core machine (`tests/test_exercise_mutants.py` records
each variant's hint).
"""

from .core import Exercise, Feedback, Mistake, configured_time_limit, grading, run_check, your_functions
from .logistic import (check_binary_cross_entropy, check_initialize_with_zeros, check_propagate, check_sigmoid,
                       check_sigmoid_backward)
from .shallow import (check_backward_propagation, check_forward_propagation, check_initialize_parameters, check_nn_model,
                      check_tanh, check_tanh_backward)
from .deep import (check_L_model_backward, check_L_model_forward, check_compute_cost, check_gradient_check_n,
                   check_initialize_parameters_deep, check_linear_activation_backward, check_linear_activation_forward,
                   check_linear_backward, check_linear_forward, check_update_parameters)
from .optimization import (check_L_model_backward_with_regularization, check_L_model_forward_with_dropout,
                           check_dropout_backward, check_dropout_forward, check_l2_cost, check_l2_gradient,
                           check_random_mini_batches, check_relative_error, check_schedule_lr_decay,
                           check_train_mini_batch_adam,
                           check_update_parameters_with_adam, check_update_parameters_with_momentum)
from .softmax import check_categorical_cross_entropy, check_softmax, check_softmax_cross_entropy_backward
from .deeper import check_batchnorm_backward, check_batchnorm_forward, check_layernorm_forward
from .conv import (check_conv_backward, check_conv_forward, check_conv_single_step, check_pool_backward,
                   check_pool_forward)

CHECKS = {name[len("check_"):]: obj for name, obj in sorted(globals().items()) if name.startswith("check_")}
