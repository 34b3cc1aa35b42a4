"""Run inside the Jupyter container: the notebook's first five test rows as an /invocations
payload, and the champion model's predictions for them, loaded in Python. Prints JSON."""

import json

import mlflow
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

X, y = load_diabetes(return_X_y=True, as_frame=True)
_, X_test, _, _ = train_test_split(X, y, test_size=0.25, random_state=42)
payload = {"dataframe_split": json.loads(X_test.head(5).to_json(orient="split", index=False))}
# Predict on exactly what the REST server receives (JSON rounds the floats).
rows = pd.DataFrame(**payload["dataframe_split"])
model = mlflow.pyfunc.load_model("models:/diabetes-elasticnet@champion")
print(json.dumps({"payload": payload, "predictions": [float(p) for p in model.predict(rows)]}))
