// Filled in by the framework work.
