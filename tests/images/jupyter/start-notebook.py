#!/opt/conda/bin/python
"""Stand-in for docker-stacks' start-notebook.py: JupyterLab on 0.0.0.0:8888, token from JUPYTER_TOKEN.

Started by JupyterHub (JUPYTERHUB_API_TOKEN set), it runs the single-user server instead, as
docker-stacks' start-notebook.py hands over to start-singleuser.py.
"""

import os
import sys

if "JUPYTERHUB_API_TOKEN" in os.environ:
    command = ["jupyterhub-singleuser", "--ServerApp.root_dir=/home/jovyan"]
else:
    command = ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--ServerApp.root_dir=/home/jovyan"]
os.execvp(command[0], command + sys.argv[1:])  # noqa: S606 - exec, as docker-stacks does
