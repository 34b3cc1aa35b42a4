"""Write the example notebooks in files/notebooks/ from the cells below (run after editing them).

Kept as code so the notebooks' source is reviewable and linted; the .ipynb files are committed without outputs.
Every notebook runs top to bottom, and again, in the lab's JupyterLab container with no internet and no LLM
provider: the only service it uses is the lab's MLflow server.

  01  train, track and register a scikit-learn model
  02  trace a small multi-step application (spans, attributes, tags, an ERROR trace, search_traces)
  03  evaluate two versions of that application with code-based scorers (mlflow.genai.evaluate)
  04  version its prompt in the Prompt Registry, move the alias `production`, trace which version answered
"""

import hashlib
from pathlib import Path
from textwrap import dedent

import nbformat

md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell


def md_text(text):
    """A markdown cell from an indented triple-quoted string."""
    return md(dedent(text).strip())


def code_text(text):
    """A code cell from an indented triple-quoted string."""
    return code(dedent(text).strip())


def setup_cell(imports, experiment, goes, constants=""):
    """The first code cell of 02-04 (each notebook runs on its own): imports, the experiment set,
    and MLflow's in-notebook trace viewer off."""
    return code_text(
        dedent(imports).strip()
        + f'\n\nEXPERIMENT = "{experiment}"\n'
        + dedent(constants).lstrip()
        + 'print("Tracking to", os.environ.get("MLFLOW_TRACKING_URI"))\n'
        + "experiment = mlflow.set_experiment(EXPERIMENT)\n"
        + f'print(f"{goes} go to experiment {{experiment.name!r}} (id {{experiment.experiment_id}})")\n'
        + "# Look at traces in the MLflow UI: the viewer MLflow embeds in notebooks loads the UI from the "
        "tracking URI\n"
        + "# as this container sees it, an address your browser does not reach.\n"
        + "mlflow.tracing.disable_notebook_display()"
    )


TRAIN_TRACK_REGISTER = [
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


# The lab assistant's knowledge: a handful of documents kept in the notebook (02, 03 and 04 share them).
DOCUMENTS_CELL = code_text(
    r"""
    import re

    DOCUMENTS = {
        "tracking": "MLflow Tracking records the parameters, metrics and artifacts of each run; runs can be compared.",
        "registry": "The Model Registry keeps numbered versions of a model; an alias such as champion points at one.",
        "tracing": "Tracing records each step of a request to an application as a tree of spans with their inputs.",
        "evaluation": "mlflow.genai.evaluate runs scorers over a dataset of questions and logs the scores to a run.",
        "prompts": "The Prompt Registry stores versioned prompt templates; the alias production picks the one in use.",
        "serving": "A registered model can be served as a REST endpoint with the command mlflow models serve.",
    }
    STOPWORDS = {"a", "an", "and", "as", "can", "do", "does", "for", "how", "i", "in", "is", "of", "the", "to", "what"}


    def stem(word):
        # Cut one common ending, so that "runs" meets "run" and "versioned" meets "versions".
        for suffix in ("ing", "es", "s", "ed"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)]
        return word


    def terms(text):
        # The words of a text that carry its meaning: lower case, no stopwords, endings cut.
        return {stem(word) for word in re.findall(r"[a-z]+", text.lower()) if word not in STOPWORDS}


    print(f"{len(DOCUMENTS)} documents: {', '.join(DOCUMENTS)}")
    print("terms of a question:", sorted(terms("How do I compare the metrics of two runs?")))
    """
)

TRACE_AN_APPLICATION = [
    md_text(
        """
        # Trace a small application with MLflow Tracing

        A **trace** records one request to an application from start to finish. Each step of the request is a
        **span**: it has a name, a type, inputs, outputs, a duration, free-form **attributes** and a status. Spans
        nest into a tree under one **root span**; the trace as a whole has a state (`OK` or `ERROR`) and **tags**
        you can search by.

        The application here is a tiny question-answering assistant over six short documents kept in this
        notebook. Like a retrieval-augmented (RAG) application it has two steps:

        1. **retrieve** the documents that share the most words with the question;
        2. **answer** from the best document with a fixed template, where a real application would call an LLM.

        There is no LLM and no internet: the only service used is the lab's MLflow server. You will instrument
        the application, run it on a few questions (one fails on purpose), look at the traces in the MLflow UI
        and search them back from Python.
        """
    ),
    setup_cell(
        """
        import os
        import time

        import mlflow
        import pandas as pd
        from mlflow.entities import Document, SpanStatusCode, SpanType
        """,
        "mlops-lab-tracing",
        "traces",
    ),
    md_text(
        """
        ## The documents and the retrieval
        Retrieval is keyword overlap: lower-case the text, drop small words such as *the* or *how*
        (stopwords), cut common endings (*runs* becomes *run*) and count the words a question shares with
        each document. No embeddings, no network, and the same answer every time.
        """
    ),
    DOCUMENTS_CELL,
    md_text(
        """
        ## Instrument the application
        - `@mlflow.trace` makes every call of a function a span: its arguments become the span's inputs and its
          return value the outputs. `span_type` says what kind of step it is (`CHAIN`, `RETRIEVER`, `LLM`,
          `TOOL`...); the UI shows it as an icon and renders a `RETRIEVER`'s documents as a list.
        - `mlflow.start_span(...)` opens a span by hand around a block of code; you set its inputs and outputs.
        - `span.set_attributes({...})` attaches key/value pairs to a span: settings, sizes, the model used.
        - `mlflow.update_current_trace(tags={...})` tags the whole trace, to filter on later.

        The outermost traced call, `answer_question`, is the **root span**: one call, one trace. The tag `batch`
        marks the traces of this execution of the notebook, so the search at the end finds exactly them.
        """
    ),
    code_text(
        """
        BATCH = time.strftime("%Y%m%d-%H%M%S")
        ANSWER_TEMPLATE = "{text} (source: {source})"


        @mlflow.trace(span_type=SpanType.RETRIEVER)
        def retrieve(question, k=2):
            question_terms = terms(question)
            overlap = {doc_id: len(question_terms & terms(text)) for doc_id, text in DOCUMENTS.items()}
            ranked = sorted((doc_id for doc_id in overlap if overlap[doc_id] > 0), key=overlap.get, reverse=True)
            mlflow.get_current_active_span().set_attributes(
                {"retriever.method": "keyword overlap", "retriever.k": k, "retriever.documents": len(DOCUMENTS)}
            )
            return [Document(page_content=DOCUMENTS[d], metadata={"overlap": overlap[d]}, id=d) for d in ranked[:k]]


        @mlflow.trace(name="answer_question", span_type=SpanType.CHAIN)
        def answer_question(question):
            mlflow.update_current_trace(tags={"app": "lab-assistant", "app_version": "1", "batch": BATCH})
            documents = retrieve(question)
            # The step a real application hands to an LLM, here a template: a span opened by hand.
            with mlflow.start_span(name="generate_answer", span_type=SpanType.LLM) as span:
                span.set_inputs({"question": question, "document_ids": [doc.id for doc in documents]})
                span.set_attributes({"answer.model": "none (template)", "answer.template": ANSWER_TEMPLATE})
                if not documents:
                    raise LookupError(f"no document matches the question {question!r}")
                best = documents[0]
                answer = ANSWER_TEMPLATE.format(text=best.page_content, source=best.id)
                span.set_outputs(answer)
            mlflow.update_current_trace(tags={"topic": best.id})
            return answer
        """
    ),
    md_text(
        """
        ## Run it on a few questions
        Each call is one trace. The last question matches no document, so the answer step raises `LookupError`.
        The exception still reaches the caller (this cell catches it, so the notebook goes on) and MLflow records
        that trace with the state **ERROR**, the exception attached to the span where it happened.
        """
    ),
    code_text(
        r"""
        QUESTIONS = [
            "What does MLflow Tracking record for each run?",
            "How do I give a model version an alias?",
            "What is a span in a trace?",
            "Which function runs scorers over a dataset?",
            "How can I serve a registered model as an endpoint?",
            "How do I bake sourdough bread?",
        ]
        for question in QUESTIONS:
            try:
                print(f"OK     {question}\n       {answer_question(question)}")
            except LookupError as error:
                print(f"ERROR  {question}\n       {type(error).__name__}: {error}")
            print(f"       trace {mlflow.get_last_active_trace_id()}")
        """
    ),
    md_text(
        """
        ## Look at the traces in the MLflow UI
        Open MLflow, click **Experiments**, then `mlops-lab-tracing`, and open **Traces** in the experiment's
        navigation on the left.

        - Each row is one call of `answer_question`: its request, response, state, duration and tags. The search
          box filters, for instance `trace.status = 'ERROR'` or `tags.topic = 'registry'`.
        - Click a row to open the trace. The tree on the left shows the root span `answer_question` with its
          children `retrieve` and `generate_answer`, and how long each took. Click a span to see its
          **Inputs / Outputs** (the retriever's documents are listed with their `overlap` score) and its
          **Attributes** (`retriever.*`, `answer.*`).
        - Open the trace in state ERROR: `generate_answer` and `answer_question` are marked as failed, and the
          span's **Events** hold the `LookupError` with its stack trace.
        """
    ),
    md_text(
        """
        ## Search the traces from Python
        Traces are sent to the server in the background; `mlflow.flush_trace_async_logging()` waits until every
        one has arrived. `mlflow.search_traces` takes the same filter language as the UI's search box and
        returns `Trace` objects (or, by default, a pandas DataFrame): each with its `info` (id, state, tags,
        duration) and its `data.spans`.
        """
    ),
    code_text(
        """
        mlflow.flush_trace_async_logging()

        traces = mlflow.search_traces(
            filter_string=f"tags.batch = '{BATCH}'", order_by=["timestamp_ms ASC"], return_type="list"
        )
        rows = []
        for trace in traces:
            root = next(span for span in trace.data.spans if span.parent_id is None)
            rows.append(
                {
                    "state": trace.info.state.value,
                    "root span": root.name,
                    "spans": len(trace.data.spans),
                    "topic": trace.info.tags.get("topic", "-"),
                    "ms": trace.info.execution_duration,
                    "question": root.inputs["question"],
                }
            )
        print(f"{len(traces)} traces tagged batch = {BATCH}")
        pd.DataFrame(rows)
        """
    ),
    md_text(
        """
        Filters combine with `AND`: on the trace's attributes (`trace.status`, `trace.timestamp_ms`,
        `trace.execution_time_ms`...), its tags (`tags.<key>`) and its metadata. This searches the whole
        experiment, so every execution of this notebook adds one more failed trace.
        """
    ),
    code_text(
        """
        errors = mlflow.search_traces(
            filter_string="trace.status = 'ERROR' AND tags.app = 'lab-assistant'",
            order_by=["timestamp_ms DESC"],
            return_type="list",
        )
        about_registry = mlflow.search_traces(filter_string="tags.topic = 'registry'", return_type="list")
        print(f"in the experiment: {len(errors)} trace(s) in state ERROR, {len(about_registry)} about the registry")

        latest = errors[0]
        print(f"latest failure, trace {latest.info.trace_id}: {latest.info.request_preview}")
        for span in latest.data.spans:
            if span.status.status_code == SpanStatusCode.ERROR:
                messages = [event.attributes.get("exception.message") for event in span.events]
                print(f"  span {span.name!r} failed: {', '.join(filter(None, messages)) or span.status.description}")
        """
    ),
]

EVALUATE_GENAI = [
    md_text(
        """
        # Evaluate a GenAI application with code-based scorers

        Whether a change makes a GenAI application better is not something one example can tell. An
        **evaluation** runs the application over a fixed set of questions whose right answers you know (the
        **expectations**), and **scorers** turn every answer into **feedback**: a yes/no, a number, with a
        rationale. `mlflow.genai.evaluate` does this, records a trace per question with its feedback attached,
        and logs the feedback averaged over the questions as the metrics of an MLflow run.

        MLflow also ships *LLM judges*, scorers that ask an LLM to grade an answer. They need an LLM provider,
        which this lab does not have, so every scorer here is plain Python: deterministic, free and instant.

        You will evaluate two versions of the lab assistant from notebook 02, `app-v1` with a naive retrieval
        and `app-v2` with a better one, each in its own run, and compare them.
        """
    ),
    setup_cell(
        """
        import os

        import mlflow
        import pandas as pd
        from mlflow.entities import Document, Feedback, SpanType
        from mlflow.genai.scorers import scorer
        """,
        "mlops-lab-genai-eval",
        "runs and traces",
    ),
    md_text(
        """
        ## The application, in two versions
        The documents and the word matching are notebook 02's. The two versions differ in how they compare a
        question with a document:

        - **v1** splits both on spaces: upper and lower case differ, punctuation sticks to words (`run?` is not
          `run`) and small words like *the* count as much as *alias*;
        - **v2** compares their `terms`: lower case, no punctuation, no stopwords, common endings cut.

        Both answer with the best document, and both are traced with the root span `answer_question`.
        """
    ),
    DOCUMENTS_CELL,
    code_text(
        """
        def overlap_v1(question, text):
            return len(set(question.split()) & set(text.split()))


        def overlap_v2(question, text):
            return len(terms(question) & terms(text))


        def make_app(overlap):
            @mlflow.trace(span_type=SpanType.RETRIEVER)
            def retrieve(question):
                scores = {doc_id: overlap(question, text) for doc_id, text in DOCUMENTS.items()}
                best = max(scores, key=scores.get)  # on a tie, the first document
                return [Document(page_content=DOCUMENTS[best], metadata={"overlap": scores[best]}, id=best)]

            @mlflow.trace(name="answer_question", span_type=SpanType.CHAIN)
            def answer_question(question):
                document = retrieve(question)[0]
                return f"{document.page_content} (source: {document.id})"

            return answer_question


        APPS = {"app-v1": make_app(overlap_v1), "app-v2": make_app(overlap_v2)}
        """
    ),
    md_text(
        """
        ## The evaluation dataset
        Each row has `inputs`, the keyword arguments the application is called with, and `expectations`, what a
        right answer looks like: here the document that answers the question and a phrase the answer must
        contain. (A dataset can also live on the server, see `mlflow.genai.datasets`; a list of dicts is enough.)
        """
    ),
    code_text(
        """
        EVAL_DATA = [
            {"inputs": {"question": question}, "expectations": {"expected_doc": doc, "expected_phrase": phrase}}
            for question, doc, phrase in [
                ("What does MLflow Tracking record for each run?", "tracking", "parameters"),
                ("How do I compare the metrics of two runs?", "tracking", "compared"),
                ("How do I give a model version an alias?", "registry", "champion"),
                ("What is a span?", "tracing", "spans"),
                ("Which function runs scorers over a dataset?", "evaluation", "mlflow.genai.evaluate"),
                ("How is a model served as a REST endpoint?", "serving", "mlflow models serve"),
                ("Where are prompt templates stored and versioned?", "prompts", "Prompt Registry"),
                ("Which alias selects the prompt that the application uses?", "prompts", "production"),
            ]
        ]
        pd.DataFrame([{"question": row["inputs"]["question"], **row["expectations"]} for row in EVAL_DATA])
        """
    ),
    md_text(
        """
        ## Code-based scorers
        A scorer is a function decorated with `@scorer`. It asks for what it needs by parameter name:
        `inputs`, `outputs` (what the application returned), `expectations` and `trace` (the whole trace, to
        look inside the steps). It returns a `bool`, a number, a string, or a `Feedback` that adds a rationale.
        The scorer's name becomes the name of its feedback and of its metric, `<name>/mean` by default.

        - `retrieved_expected_doc` reads the `RETRIEVER` span from the trace: did retrieval find the right
          document?
        - `contains_expected_phrase` checks the answer itself.
        - `answer_words` measures the answer, aggregated as mean and max.

        Scorers are ordinary functions: call them directly to check them before an evaluation.
        """
    ),
    code_text(
        """
        @scorer
        def retrieved_expected_doc(trace, expectations):
            retrieved = [doc["id"] for span in trace.search_spans(span_type=SpanType.RETRIEVER) for doc in span.outputs]
            expected = expectations["expected_doc"]
            return Feedback(value=expected in retrieved, rationale=f"retrieved {retrieved}, expected {expected!r}")


        @scorer
        def contains_expected_phrase(outputs, expectations):
            return expectations["expected_phrase"].lower() in outputs.lower()


        @scorer(aggregations=["mean", "max"])
        def answer_words(outputs):
            return len(outputs.split())


        SCORERS = [retrieved_expected_doc, contains_expected_phrase, answer_words]
        print(contains_expected_phrase(outputs="Aliases point at versions.", expectations={"expected_phrase": "alias"}))
        print(answer_words(outputs="Aliases point at versions."))
        """
    ),
    md_text(
        """
        ## Evaluate both versions, one run each
        `mlflow.genai.evaluate` calls `predict_fn` with each row's `inputs`, traces the call, runs every scorer
        on the result and logs it all to the active run, or to a new one. Starting the run ourselves gives it a
        name (`app-v1`, `app-v2`) and lets us log a parameter saying which retrieval it used.

        After each evaluation MLflow shows a *View evaluation results in MLflow* link. It is made from the tracking
        URI as this container sees it, which your browser may not reach: if it does not open, find the run in
        MLflow as described at the end of this notebook.
        """
    ),
    code_text(
        """
        results = {}
        for run_name, app in APPS.items():
            with mlflow.start_run(run_name=run_name):
                mlflow.log_param("retrieval", "split on spaces" if run_name == "app-v1" else "terms")
                results[run_name] = mlflow.genai.evaluate(data=EVAL_DATA, predict_fn=app, scorers=SCORERS)
            print(f"{run_name}: run {results[run_name].run_id}")
            for key, value in sorted(results[run_name].metrics.items()):
                print(f"    {key:32} {value:.3f}")
        """
    ),
    md_text(
        """
        ## Compare the two versions
        The metrics are on the runs, so any client can compare them: `mlflow.search_runs` returns a DataFrame
        with a column per metric (`metrics.<scorer>/mean`...). Below, one column per version.
        """
    ),
    code_text(
        """
        run_ids = ", ".join(f"'{result.run_id}'" for result in results.values())
        runs = mlflow.search_runs(filter_string=f"attributes.run_id IN ({run_ids})")
        metric_columns = sorted(column for column in runs.columns if column.startswith("metrics."))
        comparison = runs.set_index("tags.mlflow.runName")[metric_columns].T
        comparison.index = [column.removeprefix("metrics.") for column in comparison.index]
        comparison[list(APPS)]
        """
    ),
    md_text(
        """
        The per-question feedback is in each result's `result_df`, one row per question, and on its trace.
        Which questions did v1 get wrong?
        """
    ),
    code_text(
        """
        def feedback_table(result):
            table = result.result_df
            return pd.DataFrame(
                {
                    "question": [request["question"] for request in table["request"]],
                    "retrieved_expected_doc": table["retrieved_expected_doc/value"],
                    "contains_expected_phrase": table["contains_expected_phrase/value"],
                }
            )


        per_question = feedback_table(results["app-v1"]).merge(
            feedback_table(results["app-v2"]), on="question", suffixes=(" v1", " v2")
        )
        per_question
        """
    ),
    md_text(
        """
        ## Compare them in the MLflow UI
        Open MLflow, click **Experiments**, then `mlops-lab-genai-eval`.

        - **Evaluation runs** (in the experiment's navigation on the left) lists `app-v1` and `app-v2`. Click
          one: a row per question with its inputs, outputs, expectations and each scorer's feedback; click a
          feedback to read its rationale (`retrieved [...], expected ...`). Tick both runs and click **Compare**
          (or, in one run, pick the other under *compare to*) to see the two versions' answers and feedback side
          by side, question by question: v1 misses "What is a span?" and "Where are prompt templates stored...".
        - The runs' metrics (`retrieved_expected_doc/mean`, `contains_expected_phrase/mean`,
          `answer_words/mean`, `answer_words/max`) are on each run's page; in a runs table, tick both runs and
          click **Compare** for a chart of each metric per run.
        - **Traces** holds the 16 traces the evaluation made (8 questions, 2 versions), each with its
          feedback in the trace's assessments panel on the right.
        """
    ),
]

PROMPT_REGISTRY = [
    md_text(
        """
        # Version prompts in the MLflow Prompt Registry

        In an LLM application the prompt is code: a wording change changes the answers. The **Prompt
        Registry** keeps prompt templates like the Model Registry keeps models:

        - a prompt has a name and numbered, immutable **versions**, each with a **commit message**;
        - a template has variables in double braces, `{{ question }}`, filled in by `prompt.format(...)`;
        - an **alias** such as `production` points at one version; the application loads
          `prompts:/<name>@production`, so moving the alias changes the prompt it uses, with no redeployment;
        - a prompt loaded inside a trace is **linked** to that trace: every answer says which version produced it.

        The application is the lab assistant again, with no LLM: it formats the prompt, records it in a span
        where a real application would send it to an LLM, and answers from the retrieved document.
        """
    ),
    setup_cell(
        """
        import os
        import time

        import mlflow
        import pandas as pd
        from mlflow.entities import Document, SpanType
        """,
        "mlops-lab-prompts",
        "traces",
        """
        PROMPT_NAME = "lab-answer-prompt"
        """,
    ),
    md_text(
        """
        ## Register a prompt, then a second version
        `mlflow.genai.register_prompt` creates the prompt the first time and adds a version every time after,
        so each execution of this notebook adds two versions; that is fine, versions are cheap and the alias
        decides which one is used.
        """
    ),
    code_text(
        """
        TEMPLATE_V1 = "Answer the question with the document.\\nDocument: {{ document }}\\nQuestion: {{ question }}"
        TEMPLATE_V2 = (
            "You are the assistant of an MLflow lab. Answer in one sentence, using only the document about "
            "{{ topic }} below; if it does not answer the question, say that you do not know.\\n"
            "Document: {{ document }}\\n"
            "Question: {{ question }}"
        )

        first = mlflow.genai.register_prompt(
            name=PROMPT_NAME,
            template=TEMPLATE_V1,
            commit_message="Question and document",
            tags={"lab": "mlops-lab", "task": "question answering"},
        )
        second = mlflow.genai.register_prompt(
            name=PROMPT_NAME,
            template=TEMPLATE_V2,
            commit_message="Name the topic, ask for one sentence, allow 'I do not know'",
        )
        for version in (first, second):
            print(f"{version.uri}: variables {sorted(version.variables)}, commit message {version.commit_message!r}")
        """
    ),
    md_text(
        """
        ## Point the alias `production` at the new version and load it by alias
        `set_prompt_alias` moves the alias (creating it the first time). Loading `prompts:/<name>@production`
        resolves it on the server; the client caches aliases for a minute by default, and
        `cache_ttl_seconds=0` asks the server every time, so a moved alias is seen at once.
        """
    ),
    code_text(
        """
        mlflow.genai.set_prompt_alias(PROMPT_NAME, alias="production", version=second.version)

        prompt = mlflow.genai.load_prompt(f"prompts:/{PROMPT_NAME}@production", cache_ttl_seconds=0)
        print(f"@production is version {prompt.version}")
        print(prompt.format(topic="tracking", document="(a document)", question="(a question)"))
        """
    ),
    md_text(
        """
        ## Use it in the traced application
        `answer_question` loads the prompt by alias inside its trace, which links that prompt version to the
        trace (the tag `mlflow.linkedPrompts`), and records the formatted prompt as the input of the
        `generate_answer` span, exactly what an LLM would receive.
        """
    ),
    DOCUMENTS_CELL,
    code_text(
        """
        BATCH = time.strftime("%Y%m%d-%H%M%S")


        @mlflow.trace(span_type=SpanType.RETRIEVER)
        def retrieve(question):
            overlap = {doc_id: len(terms(question) & terms(text)) for doc_id, text in DOCUMENTS.items()}
            best = max(overlap, key=overlap.get)
            return [Document(page_content=DOCUMENTS[best], metadata={"overlap": overlap[best]}, id=best)]


        @mlflow.trace(span_type=SpanType.LLM)
        def generate_answer(prompt_text, document):
            # Where a real application calls an LLM with prompt_text; here the answer is the document itself.
            mlflow.get_current_active_span().set_attributes({"answer.model": "none (template)"})
            return document.page_content


        @mlflow.trace(name="answer_question", span_type=SpanType.CHAIN)
        def answer_question(question, alias="production"):
            prompt = mlflow.genai.load_prompt(f"prompts:/{PROMPT_NAME}@{alias}", cache_ttl_seconds=0)
            tags = {"app": "lab-assistant", "batch": BATCH, "prompt_version": str(prompt.version)}
            mlflow.update_current_trace(tags=tags)
            document = retrieve(question)[0]
            prompt_text = prompt.format(topic=document.id, document=document.page_content, question=question)
            return {"answer": generate_answer(prompt_text, document), "prompt_version": prompt.version}


        for question in ["How do I give a model version an alias?", "Where are prompt templates versioned?"]:
            result = answer_question(question)
            print(f"[prompt v{result['prompt_version']}] {question}\\n    {result['answer']}")
        """
    ),
    md_text(
        """
        ## Roll back by moving the alias
        Suppose the second version misbehaves: point `production` back at the first. The application is not
        touched; its next call loads the first version. Then move the alias forward again.
        """
    ),
    code_text(
        """
        question = "What does MLflow Tracking record for each run?"
        for version in (first, second):
            mlflow.genai.set_prompt_alias(PROMPT_NAME, alias="production", version=version.version)
            result = answer_question(question)
            print(f"@production = version {version.version}: the app answered with prompt v{result['prompt_version']}")
        production = mlflow.genai.load_prompt(f"prompts:/{PROMPT_NAME}@production", cache_ttl_seconds=0)
        print(f"@production is back at version {production.version}")
        """
    ),
    md_text(
        """
        ## Which prompt version answered: the traces
        Each trace of this execution carries the prompt version it used, in the tag `mlflow.linkedPrompts`
        (and in our own tag `prompt_version`).
        """
    ),
    code_text(
        """
        mlflow.flush_trace_async_logging()
        traces = mlflow.search_traces(
            filter_string=f"tags.batch = '{BATCH}'", order_by=["timestamp_ms ASC"], return_type="list"
        )
        pd.DataFrame(
            [
                {
                    "trace": trace.info.trace_id,
                    "state": trace.info.state.value,
                    "prompt_version": trace.info.tags.get("prompt_version"),
                    "mlflow.linkedPrompts": trace.info.tags.get("mlflow.linkedPrompts"),
                }
                for trace in traces
            ]
        )
        """
    ),
    md_text(
        """
        ## The prompt in the MLflow UI
        - Click **Prompts** at the top of MLflow, then `lab-answer-prompt`: its versions with their commit
          messages and aliases. Click a version to read its template; select two versions and compare them to
          see the wording diff. You can also move the alias `production` from there.
        - In the experiment `mlops-lab-prompts`, **Traces**: open a trace; its `generate_answer` span's inputs
          hold the formatted prompt, and the trace's details list the linked prompt version (click it to go to
          the prompt).
        """
    ),
]


NOTEBOOKS = {
    "01-train-track-register.ipynb": TRAIN_TRACK_REGISTER,
    "02-trace-an-application.ipynb": TRACE_AN_APPLICATION,
    "03-evaluate-genai.ipynb": EVALUATE_GENAI,
    "04-prompt-registry.ipynb": PROMPT_REGISTRY,
}
# Cell ids are fixed so that running this script changes no notebook whose cells did not change:
# 01 keeps the ids it was first committed with, the others take ids derived from their name and position.
CELL_IDS = {
    "01-train-track-register.ipynb": [
        "e0a833b7", "23a5ad1e", "43a302c9", "de7220c8", "7d74f80c", "18e7fbcf",
        "27fce397", "338d69d3", "22f1affd", "7916fa16", "d6036f6b", "08d9ed42",
    ],
}  # fmt: skip


def cell_ids(filename, count):
    ids = CELL_IDS.get(filename, [])[:count]
    return ids + [hashlib.sha256(f"{filename}:{i}".encode()).hexdigest()[:8] for i in range(len(ids), count)]


def main():
    notebooks_dir = Path(__file__).resolve().parent.parent / "files/notebooks"
    for filename, cells in NOTEBOOKS.items():
        ids = cell_ids(filename, len(cells))
        # Copies: a cell shared by several notebooks gets each one's id.
        notebook = nbformat.v4.new_notebook(
            cells=[nbformat.from_dict({**cell, "id": cell_id}) for cell, cell_id in zip(cells, ids, strict=True)]
        )
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        out = notebooks_dir / filename
        nbformat.write(notebook, out)
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
