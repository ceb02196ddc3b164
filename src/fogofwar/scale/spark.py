"""``fogofwar spark INPUT OUTPUT``: the same pipeline on a Spark cluster, Parquet tables out.

Articles (JSONL or Parquet, any Spark-readable path) are analysed per
partition with ``mapInArrow``; each Python worker loads the model and the
gazetteer once and keeps them for every task it runs. The per-article
documents become Parquet tables (articles, places, sources, claims, events,
errors) with Spark SQL alone (``from_json`` + ``explode``), with column types
derived from the dataclasses in ``fogofwar.models``. Stories need every
article (events, outlets, near-duplicate sentences): the packed results
(``workers.pack``) go to the driver in input order, where
``fogofwar.stories.build`` forms stories and ledgers exactly as on one machine.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator

from fogofwar import models

ARTICLE_FIELDS = ("id", "text", "title", "outlet", "url", "published", "language")
TABLE_KINDS = {"places": models.Place, "sources": models.Source, "claims": models.Claim, "events": models.Event}
RESULT_DDL = ("position BIGINT, id STRING, title STRING, outlet STRING, url STRING, published STRING, "
              "language STRING, text STRING, ok BOOLEAN, error STRING, document STRING, packed BINARY")

_PIPELINE = None  # one per Python worker process


def _spark_type(annotation: str) -> str:
    """A Spark DDL type for a dataclass field annotation (as written in fogofwar.models)."""
    a = annotation.replace(" ", "")
    optional = a.endswith("|None")
    if optional:
        a = a[: -len("|None")]
    simple = {"str": "STRING", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "Span": "ARRAY<BIGINT>",
              "dict[str,str]": "MAP<STRING,STRING>", "dict[str,Any]": "STRING"}
    if a in simple:
        return simple[a]
    if a.startswith("list[") and a.endswith("]"):
        return f"ARRAY<{_spark_type(a[5:-1])}>"
    cls = getattr(models, a, None)
    if cls is not None and dataclasses.is_dataclass(cls):
        return f"STRUCT<{', '.join(f'`{f.name}`: {_spark_type(str(f.type))}' for f in dataclasses.fields(cls))}>"
    return "STRING"


def ddl_of(cls) -> str:
    """Column definitions (``name TYPE, ...``) for a dataclass of fogofwar.models."""
    return ", ".join(f"`{f.name}` {_spark_type(str(f.type))}" for f in dataclasses.fields(cls))


def _pipeline(model: str | None, batch_size: int):
    global _PIPELINE
    if _PIPELINE is None:
        from fogofwar.nlp import load_nlp
        from fogofwar.pipeline import Pipeline

        _PIPELINE = Pipeline(nlp=load_nlp(model), batch_size=batch_size)
    return _PIPELINE


def _to_article(row: dict, position: int):
    """A Spark row as the Article that ``read_inputs`` would make of the same JSONL line (or an error)."""
    from fogofwar.ingest import normalise_published, normalise_text

    text = row.get("text")
    ident = row.get("id")
    ident = str(ident) if ident not in (None, "") else f"row-{position}"
    if row.get("corrupt"):
        return models.ErrorRecord(file=ident, line=None, reason="not valid JSON")
    if not isinstance(text, str):
        return models.ErrorRecord(file=ident, line=None, reason='record has no "text" string')
    text = normalise_text(text)
    if not text.strip():
        return models.ErrorRecord(file=ident, line=None, reason="empty text")
    meta = {k: (str(row[k]) if row.get(k) is not None else None) for k in ("title", "outlet", "url", "language")}
    return models.Article(id=ident, text=text, published=normalise_published(row.get("published")),
                          file=ident, **meta)


def analyze_partition(batches: Iterator, model: str | None = None, batch_size: int = 16) -> Iterator:
    """mapInArrow body: Arrow batches of articles in, Arrow batches of results (RESULT_DDL) out."""
    import pyarrow as pa

    from fogofwar.scale.workers import pack, run_chunk

    pipeline = _pipeline(model, batch_size)
    for batch in batches:
        rows = batch.to_pylist()
        items = [_to_article(r, r["position"]) for r in rows]
        articles = [i for i in items if isinstance(i, models.Article)]
        outcomes = iter(run_chunk(pipeline, articles) if articles else [])
        out = []
        for row, item in zip(rows, items):
            outcome = item if isinstance(item, models.ErrorRecord) else next(outcomes)
            base = {k: row.get(k) for k in ("position", "title", "outlet", "url", "published", "language", "text")}
            base["id"] = item.id if isinstance(item, models.Article) else item.file
            if isinstance(outcome, models.ErrorRecord):
                out.append({**base, "ok": False, "error": outcome.reason, "document": None, "packed": None})
            else:
                out.append({**base, "published": outcome.article.published, "text": outcome.article.text,
                            "ok": True, "error": None,
                            "document": json.dumps(outcome.to_dict(), ensure_ascii=False),
                            "packed": pack(outcome)})
        yield pa.RecordBatch.from_pylist(out, schema=_result_arrow_schema())


def _result_arrow_schema():
    import pyarrow as pa

    return pa.schema([("position", pa.int64()), ("id", pa.string()), ("title", pa.string()),
                      ("outlet", pa.string()), ("url", pa.string()), ("published", pa.string()),
                      ("language", pa.string()), ("text", pa.string()), ("ok", pa.bool_()), ("error", pa.string()),
                      ("document", pa.string()), ("packed", pa.binary())])


def session(master: str = "local[*]", shuffle_partitions: int | None = None, app_name: str = "fogofwar"):
    """A Spark session whose Python workers run this interpreter (and so this install of fogofwar)."""
    import os

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers need this venv's pyarrow and fogofwar
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.pyspark.python", sys.executable)
               .config("spark.pyspark.driver.python", sys.executable)
               .config("spark.python.worker.reuse", "true")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.ui.enabled", "false"))
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    return builder.getOrCreate()


def read_articles(spark, path: str, input_format: str | None = None):
    """JSONL or Parquet articles with the ARTICLE_FIELDS columns (missing ones null) and their input position."""
    from pyspark.sql import functions as F

    fmt = input_format or ("parquet" if str(path).rstrip("/").endswith(".parquet") else "json")
    reader = spark.read.format(fmt)
    if fmt == "json":
        reader = reader.option("mode", "PERMISSIVE")
    df = reader.load(str(path))
    cols = []
    for name in ARTICLE_FIELDS:
        cols.append(F.col(name).cast("string").alias(name) if name in df.columns else F.lit(None).cast("string").alias(name))
    corrupt = F.col("_corrupt_record") if "_corrupt_record" in df.columns else F.lit(None).cast("string")
    return df.select(F.monotonically_increasing_id().alias("position"), *cols, corrupt.alias("corrupt"))


def _table(results, kind: str, cls):
    from pyspark.sql import functions as F

    items = F.from_json("document", f"STRUCT<{kind}: ARRAY<STRUCT<{ddl_of(cls).replace('` ', '`: ')}>>>")
    return (results.where("ok").select("position", F.col("id").alias("article"), F.explode(items[kind]).alias("x"))
            .select("position", "article", "x.*"))


# Stories and ledgers carry more fields than the contract's (and stories.py grows them): the columns
# that queries filter on, plus the whole record as JSON.
STORY_DDL = ("id STRING, type STRING, status STRING, actor_side STRING, first_date STRING, last_date STRING, "
             "geonameid BIGINT, place STRING, lat DOUBLE, lon DOUBLE, n_articles BIGINT, document STRING")
LEDGER_DDL = "geonameid BIGINT, place STRING, lat DOUBLE, lon DOUBLE, entries BIGINT, document STRING"


def _place_cols(place: dict | None) -> dict:
    place = place or {}
    return {"geonameid": place.get("geonameid"), "place": place.get("name"), "lat": place.get("lat"),
            "lon": place.get("lon")}


def _story_row(d: dict) -> dict:
    return {**{k: d.get(k) for k in ("id", "type", "status", "actor_side", "first_date", "last_date")},
            **_place_cols(d.get("place")), "n_articles": len(d.get("articles") or []),
            "document": json.dumps(d, ensure_ascii=False)}


def _ledger_row(d: dict) -> dict:
    return {**_place_cols(d.get("place")), "entries": len(d.get("entries") or []),
            "document": json.dumps(d, ensure_ascii=False)}


def run(spark, input_path: str, output_path: str, input_format: str | None = None, model: str | None = None,
        batch_size: int = 16, partitions: int | None = None, mode: str = "overwrite") -> dict[str, int]:
    """Analyse every article at ``input_path``; write the Parquet tables under ``output_path``; return row counts.

    ``partitions`` spreads the articles over that many tasks (their input position is kept, so the
    stories come out as they would for the same articles in that order on one machine).
    """
    from pyspark.sql import functions as F

    from fogofwar.scale.workers import unpack
    from fogofwar.stories import build

    articles = read_articles(spark, input_path, input_format)
    if partitions:
        articles = articles.repartition(partitions)
    arrow_batch = max(1, batch_size)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(arrow_batch))

    def analyse(batches):
        return analyze_partition(batches, model=model, batch_size=batch_size)

    out = output_path.rstrip("/")
    results_path = f"{out}/_results"
    articles.mapInArrow(analyse, RESULT_DDL).write.mode(mode).parquet(results_path)
    results = spark.read.parquet(results_path)

    counts: dict[str, int] = {}
    (results.where("ok").select("position", "id", "title", "outlet", "url", "published", "language", "text",
                                "document").write.mode(mode).parquet(f"{out}/articles"))
    (results.where("NOT ok").select("position", F.col("id").alias("file"), F.lit(None).cast("bigint").alias("line"),
                                    F.col("error").alias("reason")).write.mode(mode).parquet(f"{out}/errors"))
    for kind, cls in TABLE_KINDS.items():
        _table(results, kind, cls).write.mode(mode).parquet(f"{out}/{kind}")

    # stories read every article (outlets, near-duplicate sentences): the packed results go to the driver
    packed = results.where("ok").select("position", "packed").orderBy("position")
    every = [unpack(bytes(r["packed"])) for r in packed.toLocalIterator()]
    stories, ledgers = build(every) if every else ([], [])
    story_rows = [_story_row(s.to_dict()) for s in stories]
    ledger_rows = [_ledger_row(l.to_dict()) for l in ledgers]
    spark.createDataFrame(story_rows, STORY_DDL).write.mode(mode).parquet(f"{out}/stories")
    spark.createDataFrame(ledger_rows, LEDGER_DDL).write.mode(mode).parquet(f"{out}/ledgers")

    for name in ("articles", "errors", *TABLE_KINDS):
        counts[name] = spark.read.parquet(f"{out}/{name}").count()
    counts["stories"], counts["ledgers"] = len(story_rows), len(ledger_rows)
    return counts


def spark_command(
    input_path: str,
    output_path: str,
    master: str = "local[*]",
    input_format: str | None = None,
    batch_size: int = 16,
    partitions: int | None = None,
    shuffle_partitions: int | None = None,
) -> dict[str, int]:
    """Typer-free core of the CLI command (see fogofwar.scale.cli)."""
    spark = session(master, shuffle_partitions)
    try:
        counts = run(spark, input_path, output_path, input_format=input_format, batch_size=batch_size,
                     partitions=partitions)
    finally:
        spark.stop()
    return counts


__all__ = ["run", "session", "read_articles", "analyze_partition", "ddl_of", "spark_command"]
