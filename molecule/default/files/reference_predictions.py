"""Run inside the Jupyter container: the notebook's first five test rows as an /invocations
payload, and the champion model's predictions for them, loaded in Python. Prints JSON."""

import json

import mlflow
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

X, y = load_diabetes(return_X_y=True, as_frame=True)
_, X_test, _, _ = train_test_split(X, y, test_size=0.25, random_state=42)
rows = X_test.head(5)
model = mlflow.pyfunc.load_model("models:/diabetes-elasticnet@champion")
print(
    json.dumps(
        {
            "payload": {"dataframe_split": json.loads(rows.to_json(orient="split", index=False))},
            "predictions": [float(p) for p in model.predict(rows)],
        }
    )
)
