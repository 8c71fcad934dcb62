"""Deep neural networks from scratch in NumPy: the step-by-step API of the course.

    from utils import *          # the course's function names
    from utils import NeuralNetwork

Shapes: X (n_x, m), Y (1, m) or one-hot (C, m), parameters {"W1", "b1", ...}.
"""

__version__ = "1.0.0"

from .activations import (relu, relu_backward, sigmoid, sigmoid_backward, tanh, tanh_backward, leaky_relu,
                          leaky_relu_backward, softmax, softmax_backward, get_activation)
from .initializers import initialize_parameters, initialize_parameters_deep
from .costs import (compute_cost, binary_cross_entropy, binary_cross_entropy_from_logits,
                    categorical_cross_entropy, categorical_cross_entropy_from_logits, l2_cost, one_hot)
from .deep import (linear_forward, linear_activation_forward, L_model_forward, linear_backward,
                   linear_activation_backward, L_model_backward, L_model_forward_with_dropout,
                   L_model_backward_with_regularization, update_parameters, two_layer_model,
                   L_layer_model, predict, plot_costs, layer_dims_of)
from .regularization import dropout_forward, dropout_backward, l2_gradient
from .optimizers import (update_parameters_with_gd, initialize_velocity, update_parameters_with_momentum,
                         initialize_rmsprop, update_parameters_with_rmsprop, initialize_adam,
                         update_parameters_with_adam, update_lr, exponential_lr, schedule_lr_decay,
                         random_mini_batches)
from .gradient_check import (dictionary_to_vector, vector_to_dictionary, gradients_to_vector,
                             gradient_check_n, relative_error)
from .metrics import accuracy, precision, recall, f1_score, confusion_matrix
from .shallow import forward_propagation, backward_propagation, nn_model
from .network import NeuralNetwork, train_NN, predict_y
from .persistence import save_parameters, load_parameters, predict_images

__all__ = [name for name in dir() if not name.startswith("_") and name not in (
    "activations", "initializers", "costs", "deep", "regularization", "optimizers", "gradient_check",
    "metrics", "network", "persistence", "plots", "preprocessing", "datasets", "checks", "shallow")] + ["__version__"]
