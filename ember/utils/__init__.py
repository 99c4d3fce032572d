"""ember.utils: data loading, checkpoint helpers."""
