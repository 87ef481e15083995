"""patok's domain: the vocabulary and rules of change projects, free of I/O and of other packages."""
