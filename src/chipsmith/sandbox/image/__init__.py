"""The sandbox image recipe: package list, Dockerfile, recipe hash, and the offline builder."""
