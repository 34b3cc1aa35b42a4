"""What a student's notebook does before a model is served: train a small model, log it and give
the registered version the alias `champion`, unless the registry already has one (so a second
converge changes nothing). Run with the MLflow venv's Python; MLFLOW_TRACKING_URI and the login
come from the environment. Prints "registered" or "present", then the rows and the predictions
Python makes for them as JSON, for the REST check.
"""

import json
import sys

import mlflow
import numpy as np
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LinearRegression

NAME = "scenario-model"
rows = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0]])

client = mlflow.MlflowClient()
try:
    client.get_model_version_by_alias(NAME, "champion")
    print("present")
except MlflowException:
    mlflow.set_experiment("scenario-models")
    with mlflow.start_run():
        features, targets = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 1.0], [3.0, 2.0]]), np.array([0.0, 2.0, 3.0, 5.0])
        model = LinearRegression().fit(features, targets)
        info = mlflow.sklearn.log_model(model, name="model", input_example=rows[:1], registered_model_name=NAME)
    client.set_registered_model_alias(NAME, "champion", info.registered_model_version)
    print("registered")
loaded = mlflow.pyfunc.load_model(f"models:/{NAME}@champion")
print(json.dumps({"rows": rows.tolist(), "predictions": [float(p) for p in loaded.predict(rows)]}))
sys.stdout.flush()
