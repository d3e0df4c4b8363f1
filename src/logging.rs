//! Program logs: to a file, never the terminal.
