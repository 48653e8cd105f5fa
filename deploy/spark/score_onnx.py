"""Score a Parquet corpus on Apache Spark with the exported ONNX model (SynapseML's ONNXModel).

    dotnet run --project src/Classifier.Export -c Release -- --model models/stance.zip --onnx models/stance.onnx
    spark-submit --packages com.microsoft.azure:synapseml_2.12:1.0.8 deploy/spark/score_onnx.py \
        models/stance.onnx corpus.parquet scored.parquet

Spark splits the work by partitions itself, so there is no --shards and no merge step: it writes a
folder of part files. What the model needs (checked by tests/Classifier.Onnx.Tests against the exported
model): one string input "Text" of shape [N, 1], outputs "PredictedLabel.output" (string [N, 1]) and
"Score.output" (float [N, labels]), and the metadata "score_labels" (a JSON array) naming the Score
columns in order. Not run here: there is no Spark cluster on this machine.
"""
import json
import sys

import onnx
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from synapse.ml.onnx import ONNXModel

INPUT_NAME = "Text"
LABEL_OUTPUT = "PredictedLabel.output"
SCORE_OUTPUT = "Score.output"
LABELS_KEY = "score_labels"


def main(model_path, corpus, scored, text_column="text"):
    spark = SparkSession.builder.appName("classifier-score-onnx").getOrCreate()
    model_bytes = open(model_path, "rb").read()
    metadata = {p.key: p.value for p in onnx.load_from_string(model_bytes).metadata_props}
    labels = json.loads(metadata[LABELS_KEY])

    scorer = (ONNXModel()
              .setModelPayload(model_bytes)
              .setFeedDict({INPUT_NAME: "text_1"})      # the model reads [N, 1] strings: one-element arrays
              .setFetchDict({"label": LABEL_OUTPUT, "scores": SCORE_OUTPUT})
              .setMiniBatchSize(256))

    corpus_df = spark.read.parquet(corpus)
    rows = corpus_df.withColumn("text_1", F.array(F.coalesce(F.col(text_column), F.lit(""))))
    out = scorer.transform(rows)
    # Same columns as classifier-score's Parquet output: the input's, then predicted_label,
    # confidence and p_<label> in score_labels order.
    # A blank text gets no prediction (nulls), as in classifier-score.
    scored_row = F.trim(F.coalesce(F.col(text_column), F.lit(""))) != ""
    out = out.withColumn("predicted_label", F.when(scored_row, F.col("label")[0]))
    out = out.withColumn("confidence", F.when(scored_row, F.array_max("scores").cast("float")))
    for i, label in enumerate(labels):
        out = out.withColumn(f"p_{label}", F.when(scored_row, F.col("scores")[i].cast("float")))
    out.select(*corpus_df.columns, "predicted_label", "confidence", *[f"p_{l}" for l in labels]) \
       .write.mode("errorifexists").parquet(scored)


if __name__ == "__main__":
    main(*sys.argv[1:])
