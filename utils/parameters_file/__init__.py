"""The parameters-file format: what a `.npz` written by `save_parameters` holds, and every check on it.

`utils.persistence` writes and reads the files in a few lines; the rules live
here, once, and the same rules run when a file is saved and when it is loaded.

Members of the zip archive (``numpy.savez``, read with ``allow_pickle=False``)::

    W1.npy, b1.npy, ..., WL.npy, bL.npy   the weights (float16, float32 or float64)
    gamma3.npy, running_var3.npy, ...     format 2 only: the other arrays of its layers (below)
    __metadata__.npy                       0-d unicode array: the metadata as JSON
    meta.<path>.npy                        numpy arrays found in the metadata, replaced in
                                           the JSON by {"__array__": "meta.<path>"}

Any other member makes the file "not a parameters file" (e.g. the notebooks'
experiment caches, which are plain ``np.savez`` results: read those with
``np.load``). The metadata follows `SCHEMA` (format_versions 1 and 2): a JSON object
whose known keys must have the documented types and agree with the weights;
other keys are free-form JSON (or numpy arrays) and are kept as they are.

Layers. Format 1 (a dense network, what `NeuralNetwork` and the course's functions write for one):
``layer_kinds`` (absent = every layer "dense") names each layer's kind; `LAYER_KINDS` gives the member
shapes a kind implies. A dense layer l has W_l (n_l, n_{l-1}) and b_l (n_l, 1). Format 2 (any other stack of
`utils.layers`, e.g. with batch normalization): ``layers`` lists every layer, ``{"kind": ..., settings}``
(what `Layer.describe` gives), and the members are the arrays those layers imply, named by the dense layer
they follow: ``W3``, ``b3`` (absent before a batch normalization), ``gamma3``, ``beta3``, ``running_mean3``,
``running_var3`` (`check_stack_members`). The same limits, output-layer rule (`check_output_layer`) and
escaping hold for both; format 1 files still load, and networks given by `hidden_layers` (and the course's
functions) are still written as format 1.

Limits, checked from the zip directory and the .npy headers before any array is read:

- `MAX_ARCHIVE_BYTES` (2 GiB): the file, and the sum of its members' uncompressed sizes;
- `MAX_METADATA_CHARS` (4 Mi characters of JSON: the largest file of the project
  holds 222 k, the history of 2,500 epochs) and `MAX_METADATA_DEPTH` (32 levels
  of nesting, checked by a scan before the JSON is parsed);
- `MAX_ABS_WEIGHT` (1e6): every weight must be finite with |w| <= 1e6. Trained
  networks stay far below (|w| < 100); larger values come from corrupt or
  hand-made files, and they overflow float32 (3.4e38) after a few layers.
  `utils.persistence.predict_images` still refuses any prediction that comes out
  NaN or infinite.

The format is split by concern: `schema` (constants, limits, `SCHEMA`, the weights),
`metadata` (JSON encoding, parsing and its schema checks), `reading` (the archive) and
`writing` (the path; atomic writes are `utils.atomic`). Everything is importable from here.
"""

from __future__ import annotations

from .metadata import (_check_fields, _check_references, _no_duplicate_keys, _short, _store_array,  # noqa: F401
                       _to_json, class_names, check_metadata, check_metadata_arrays, encode_metadata,
                       parse_metadata, array_references, rename_old_keys, resolve_arrays)
from .reading import (Header, _read_archive, _read_metadata_text, check_readable_path, list_members,  # noqa: F401
                      read_header, read_member, read_parameters_file)
from .schema import (ARRAY_PREFIX, ARRAY_REF, FORMAT_VERSION, STACK_FORMAT_VERSION, LAYER_KINDS,  # noqa: F401
                     MAX_ABS_WEIGHT, READABLE_VERSIONS, STACK_MEMBER, check_stack_members, stack_of,
                     MAX_ARCHIVE_BYTES, MAX_MEMBERS, MAX_METADATA_CHARS, MAX_METADATA_DEPTH, METADATA_ARRAY_KINDS,
                     METADATA_KEY, PREPROCESSING_SCHEMA, SCHEMA, EXPECTED_ACCURACY_SCHEMA, RENAMED_KEYS, WEIGHT_DTYPES, Field, ParametersFileError,
                     check_output_layer, output_activation_for,
                     _fail, _json_type, _where, check_weight_members, check_weight_values, check_weights)
from .writing import check_save_path, write_atomically  # noqa: F401
