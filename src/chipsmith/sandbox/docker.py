"""DockerSandbox: placeholder module until the Docker backend lands (issue 3)."""
