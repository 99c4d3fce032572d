"""ember.utils.data: Dataset, samplers, collate, DataLoader."""
