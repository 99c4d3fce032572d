"""Primitive ops, one module per family; each also holds the public functions and Tensor methods of its family."""
