"""Write files/notebooks/01-train-track-register.ipynb from the cells below (run after editing them).

Kept as code so the notebook's source is reviewable and linted; the .ipynb is committed without outputs.
"""

from pathlib import Path

import nbformat

md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell

CELLS = [
    md(
        "# Train, track and register a model with MLflow\n\n"
        "This notebook runs top to bottom with no internet. It trains a regression model on the\n"
        "*diabetes* dataset that ships with scikit-learn and uses the lab's MLflow server to:\n\n"
        "1. **track** a run: parameters, metrics, a plot and the model itself;\n"
        "2. **compare** a small grid search, each candidate a *nested* run;\n"
        "3. **register** the best model and point the alias `champion` at it;\n"
        "4. **load** the model back by its alias and predict.\n\n"
        "The container already knows where MLflow is: `MLFLOW_TRACKING_URI` is set for you."
    ),
    code(
        "import os\n\n"
        "import matplotlib.pyplot as plt\n"
        "import mlflow\n"
        "from mlflow.models import infer_signature\n"
        "from sklearn.datasets import load_diabetes\n"
        "from sklearn.linear_model import ElasticNet\n"
        "from sklearn.metrics import mean_squared_error, r2_score\n"
        "from sklearn.model_selection import train_test_split\n\n"
        'EXPERIMENT = "mlops-lab-diabetes"\n'
        'MODEL_NAME = "diabetes-elasticnet"\n'
        'print("Tracking to", os.environ.get("MLFLOW_TRACKING_URI"))\n'
        "mlflow.set_experiment(EXPERIMENT)"
    ),
    md("## The data\nA bundled dataset: 442 patients, 10 features, a disease-progression target."),
    code(
        "X, y = load_diabetes(return_X_y=True, as_frame=True)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=42)\n"
        "X_train.shape, X_test.shape"
    ),
    md(
        "## One tracked run\n"
        "Everything inside `mlflow.start_run()` belongs to one run. `log_param` records a setting,\n"
        "`log_metric` a result, `log_figure` a plot, and `log_model` the trained model with its\n"
        "signature (the input and output it expects), so it can be served later."
    ),
    code(
        "def train_and_log(alpha, l1_ratio):\n"
        '    """Fit one ElasticNet, log it to the active run, return its test RMSE and the model\'s URI."""\n'
        "    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, random_state=42).fit(X_train, y_train)\n"
        "    predictions = model.predict(X_test)\n"
        "    rmse = mean_squared_error(y_test, predictions) ** 0.5\n"
        '    mlflow.log_params({"alpha": alpha, "l1_ratio": l1_ratio})\n'
        '    mlflow.log_metrics({"rmse": rmse, "r2": r2_score(y_test, predictions)})\n'
        "    fig, ax = plt.subplots(figsize=(4, 4))\n"
        "    ax.scatter(y_test, predictions, s=10)\n"
        '    ax.set_xlabel("actual")\n'
        '    ax.set_ylabel("predicted")\n'
        '    mlflow.log_figure(fig, "predicted_vs_actual.png")\n'
        "    plt.close(fig)\n"
        "    signature = infer_signature(X_test, predictions)\n"
        '    info = mlflow.sklearn.log_model(model, name="model", signature=signature, input_example=X_test.head(3))\n'
        "    return rmse, info.model_uri\n\n\n"
        'with mlflow.start_run(run_name="baseline"):\n'
        "    rmse, _ = train_and_log(alpha=1.0, l1_ratio=0.5)\n"
        '    print(f"baseline RMSE: {rmse:.2f}")'
    ),
    md(
        "## A small grid search as nested runs\n"
        "A parent run groups the candidates; each candidate is a child run (`nested=True`).\n"
        "The MLflow UI shows them as a tree you can sort by `rmse`."
    ),
    code(
        "results = {}  # model URI -> test RMSE\n"
        'with mlflow.start_run(run_name="grid-search") as parent:\n'
        "    for alpha in (0.01, 0.1, 1.0):\n"
        "        for l1_ratio in (0.2, 0.8):\n"
        '            with mlflow.start_run(run_name=f"alpha={alpha} l1={l1_ratio}", nested=True):\n'
        "                rmse, model_uri = train_and_log(alpha, l1_ratio)\n"
        "                results[model_uri] = rmse\n"
        "    best_model_uri = min(results, key=results.get)\n"
        '    mlflow.log_metric("best_rmse", results[best_model_uri])\n'
        'print(f"best of {len(results)} candidates: {best_model_uri}, RMSE {results[best_model_uri]:.2f}")'
    ),
    md(
        "## Register the best model and name it `champion`\n"
        "The Model Registry versions a model under a name. An **alias** is a movable pointer to one\n"
        "version (aliases replace the deprecated *stages*): whatever serves `@champion` follows it."
    ),
    code(
        "version = mlflow.register_model(best_model_uri, MODEL_NAME)\n"
        "client = mlflow.MlflowClient()\n"
        'client.set_registered_model_alias(MODEL_NAME, "champion", version.version)\n'
        'print(f"{MODEL_NAME} version {version.version} is now @champion")'
    ),
    md("## Load the champion back and predict\nAnyone with the tracking URI can do this, in a notebook or a service."),
    code(
        'champion = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@champion")\n'
        "predictions = champion.predict(X_test.head(5))\n"
        "for actual, predicted in zip(y_test.head(5), predictions, strict=True):\n"
        '    print(f"actual {actual:6.1f}   predicted {predicted:6.1f}")'
    ),
]


def main():
    notebook = nbformat.v4.new_notebook(cells=CELLS)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    out = Path(__file__).resolve().parent.parent / "files/notebooks/01-train-track-register.ipynb"
    nbformat.write(notebook, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
