// Filled in by the coverage work.
