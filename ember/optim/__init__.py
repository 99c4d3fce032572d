"""ember.optim: optimizers and lr_scheduler."""
