"""Argument checks shared by the whole library.

ARCHITECTURE.md promises that bad input raises a ``ValueError`` whose message
starts with the argument's name and says what was expected and what was
given, e.g. ``"keep_prob: expected a probability in (0, 1], got 1.5"``. Every
such check lives here, so the rules are the same everywhere.

Where checks run: once, at the entry points (``NeuralNetwork`` and its
methods, ``train_NN``, ``predict_y``, ``L_layer_model``, ``two_layer_model``,
``L_model_forward``, ``L_model_backward``, ``compute_cost``, ``predict``,
``one_hot``, the initialisers, ``random_mini_batches``, ``gradient_check_n``,
the metrics, the preprocessing and the planar data sets). The building blocks
they call on every training step (the activations, ``linear_backward`` and
``linear_activation_*``, the ``*_cross_entropy*`` pieces, ``l2_cost`` /
``l2_gradient``, ``dropout_*``, ``update_parameters*``, the learning-rate
schedules) trust their inputs: the training loop stays fast and the code a
notebook shows stays short.

The rules:

- numbers: a bool is not a number, nor is a string; NaN and inf are refused.
  Integers are Python or NumPy integers (2.0 is not an integer).
- arrays (X, weights, AL): real numbers, i.e. an integer or floating-point
  dtype; object, string, complex, bool and date arrays are refused. Labels
  may also be bool.
- labels (metrics, ``NeuralNetwork``, ``predict``, the plots) are class
  indices 0..C-1, given as

      (m,) or (1, m)   one label per example
      (m, 1)           a column of m labels
      (C, m)           one-hot: C >= 2 rows, entries 0 or 1, exactly one 1 per column

  so an array with a single column is *labels*, never one one-hot example,
  unless the caller knows there is a single example (``m=1``: ``fit`` /
  ``score`` on one column of X, or a metric whose other argument holds one
  label). Values must be integers (integer-valued floats and bools are
  accepted) in 0 .. MAX_CLASSES - 1.
- limits: at most MAX_CLASSES classes (a label of 10**9 would otherwise ask
  for a one-hot matrix of 10**9 rows), at most MAX_PARAMETERS weights and
  biases and MAX_LAYERS layers in a network, at most MAX_ITERATIONS epochs or
  iterations (``epochs``, ``num_iterations``). The constructor refuses what it
  can already see (the hidden layers alone); ``fit`` adds n_x and the classes.
- a model's labels: `check_class_labels` holds labels against the classes a
  model can output (``fit`` of a trained model's validation labels, ``score``,
  ``predict``): class indices below C, and a one-hot Y of exactly C rows.

The checks are split by concern, all importable from here: `values` (messages, numbers,
choices and registries, `ARGUMENTS`, layer sizes), `arrays` (arrays and the label rule) and
`calls` (the argument groups of the entry points, NeuralNetwork's constructor, pictures).
"""

from __future__ import annotations

from .arrays import (as_array, check_class_indices, check_class_labels, check_finite, check_labels,  # noqa: F401
                     check_num_classes, check_one_hot, check_one_hot_arguments, check_parameters, check_real_array,
                     check_X, read_labels, to_labels)
from .calls import (OUTPUTS, check_activations, check_backward_arguments, check_cost_arguments, check_forward_arguments,  # noqa: F401
                    check_gradient_check_arguments, check_gradients, check_image_size, check_images,
                    check_linear_inputs, check_mini_batch_arguments, check_output, check_training_arguments,
                    check_fast_path, check_hyperparameters)
from .values import (ARGUMENTS, check_arguments, check_batch_size, check_bool, check_callable, check_choice,  # noqa: F401
                     check_dtype, check_fraction, check_hidden_layers, check_iterations, check_keep_prob,
                     check_layer_dims, check_learning_rate, check_non_negative, check_non_negative_int, check_number,
                     check_optimizer, check_parameter_count, check_positive, check_positive_int, check_probability,
                     check_seed, _choice_from, _finite, got, _int_list, lookup, MAX_CLASSES, MAX_PARAMETERS,
                     MAX_SEED, MAX_ITERATIONS, MAX_LAYERS, check_count, _parameter_count, sample, _scalar, shown)
