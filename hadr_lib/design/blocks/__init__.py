"""The built-in block kinds, one module each (``hadr_lib.design.kinds`` lists and
loads them): ``component``, ``series``, ``parallel``, ``k_of_n``, ``standby`` and
``common_cause``; ``gate`` holds what series, parallel and k-of-n share."""
