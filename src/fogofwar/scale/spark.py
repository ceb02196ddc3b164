"""``fogofwar spark INPUT OUTPUT``: the same pipeline on a Spark cluster, Parquet tables out.

Articles (JSONL or Parquet, any Spark-readable path) are analysed per
partition with ``mapInArrow``; each Python worker loads the model and the
gazetteer once and keeps them for every task it runs. The per-article
documents become Parquet tables (articles, places, sources, claims, events,
errors) with Spark SQL alone (``from_json`` + ``explode``), with column types
derived from the dataclasses in ``fogofwar.models``.

Stories are formed in Spark too, equal to ``fogofwar.stories.build`` over the
same articles in the same order. Each executor makes the slim story input of
its articles (``stories.story_input``: members, long sentences). Near-duplicate
sentences: sentences meet only those they share an LSH bucket with
(``dedupe.band_keys``), so the connected components of shared buckets
(label propagation with joins) are grouped and ``dedupe.copies_of`` runs per
group. Stories: members meet only members of the same type class at a
``same_place``, which is covered by shared keys (``stories.member_keys``:
GeoNames id, folded names) plus a grid join for unresolved villages within
15 km; components of those keys are hashed into groups, ``groupBy(group)
.applyInPandas`` runs ``stories.form_group`` on each, and only the final
story and ledger rows reach the driver, which gives them the run's ids
(``stories.renumber``).
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import sys
import zlib
from collections.abc import Iterator

from fogofwar import models

ARTICLE_FIELDS = ("id", "text", "title", "outlet", "url", "published", "language")
TABLE_KINDS = {"places": models.Place, "sources": models.Source, "claims": models.Claim, "events": models.Event}
RESULT_DDL = ("position BIGINT, id STRING, title STRING, outlet STRING, url STRING, published STRING, "
              "language STRING, text STRING, ok BOOLEAN, error STRING, document STRING, story BINARY")

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

    from fogofwar.scale.workers import run_chunk
    from fogofwar.stories import story_input

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
                out.append({**base, "ok": False, "error": outcome.reason, "document": None, "story": None})
            else:
                out.append({**base, "published": outcome.article.published, "text": outcome.article.text,
                            "ok": True, "error": None,
                            "document": json.dumps(outcome.to_dict(), ensure_ascii=False),
                            "story": _dump(story_input(outcome))})
        yield pa.RecordBatch.from_pylist(out, schema=_result_arrow_schema())


def _result_arrow_schema():
    import pyarrow as pa

    return pa.schema([("position", pa.int64()), ("id", pa.string()), ("title", pa.string()),
                      ("outlet", pa.string()), ("url", pa.string()), ("published", pa.string()),
                      ("language", pa.string()), ("text", pa.string()), ("ok", pa.bool_()), ("error", pa.string()),
                      ("document", pa.string()), ("story", pa.binary())])


def _dump(value) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _load(blob) -> object:
    return pickle.loads(zlib.decompress(bytes(blob)))


# --------------------------------------------------------------------------- stories in Spark

MEMBER_DDL = ("position BIGINT, ordinal BIGINT, sentence BIGINT, cls STRING, keys ARRAY<STRING>, cell STRING, "
              "near ARRAY<STRING>, lat DOUBLE, lon DOUBLE, member BINARY")
SENTENCE_DDL = "position BIGINT, published STRING, k BIGINT, sentence BIGINT, text STRING, bands ARRAY<STRING>"
COPY_DDL = "position BIGINT, sentence BIGINT, original BIGINT, original_sentence BIGINT, similarity DOUBLE"
PART_DDL = ("kind STRING, position BIGINT, ordinal BIGINT, provisional STRING, capture BOOLEAN, "
            "grp BIGINT, component STRING, document STRING")


def _explode(batches: Iterator, ddl: str, rows_of) -> Iterator:
    """mapInArrow body: each input row's unpacked story -> the output rows ``rows_of(position, story)`` gives."""
    import pyarrow as pa

    schema = _arrow_schema(ddl)
    for batch in batches:
        out = [r for row in batch.to_pylist() for r in rows_of(row["position"], _load(row["story"]))]
        yield pa.RecordBatch.from_pylist(out, schema=schema)


def explode_members(batches: Iterator) -> Iterator:
    """mapInArrow: (position, id, outlet, story) rows -> one row per story member, with its link keys."""
    from fogofwar.stories import cell_of, member_keys, near_cells, type_class

    def rows_of(position, story):
        for m in story.members:
            yield {"position": position, "ordinal": m.ordinal, "sentence": m.event.sentence,
                   "cls": type_class(m.event.type), "keys": member_keys(m), "cell": cell_of(m.place),
                   "near": near_cells(m.place), "lat": m.place.lat, "lon": m.place.lon,
                   "member": _dump((story.id, story.outlet, m))}

    return _explode(batches, MEMBER_DDL, rows_of)


def explode_sentences(batches: Iterator) -> Iterator:
    """mapInArrow: (position, story) rows -> one row per long sentence, with its LSH buckets."""
    from fogofwar.dedupe import band_keys

    def rows_of(position, story):
        for k, (index, text) in enumerate(story.sentences):
            yield {"position": position, "published": story.published, "k": k, "sentence": index,
                   "text": text, "bands": band_keys(text)}

    return _explode(batches, SENTENCE_DDL, rows_of)


def _arrow_schema(ddl: str):
    import pyarrow as pa

    types = {"BIGINT": pa.int64(), "STRING": pa.string(), "DOUBLE": pa.float64(), "BINARY": pa.binary(),
             "BOOLEAN": pa.bool_(), "ARRAY<STRING>": pa.list_(pa.string())}
    return pa.schema([(name, types[kind]) for name, kind in (c.strip().split(" ", 1) for c in ddl.split(", "))])


def copies_group(frame):
    """applyInPandas: the long sentences of one group (a union of bucket components) -> their copies."""
    import pandas as pd

    from fogofwar.dedupe import CopyDoc, copies_of

    docs: dict[int, CopyDoc] = {}
    for row in frame.sort_values(["position", "k"]).itertuples(index=False):
        doc = docs.setdefault(int(row.position), CopyDoc(int(row.position), row.published, []))
        doc.sentences.append((int(row.sentence), row.text))
    copies = copies_of(list(docs.values()))
    return pd.DataFrame([(c.article, c.sentence, c.original, c.original_sentence, float(c.similarity))
                         for c in copies.values()], columns=["position", "sentence", "original", "original_sentence",
                                                              "similarity"])


def stories_group(outlets: set[str]):
    """applyInPandas body: the members of one group (a union of components) -> story and ledger parts."""

    def run(frame):
        import pandas as pd

        from fogofwar.dedupe import Copy
        from fogofwar.stories import form_group

        rows, component = [], {}
        for r in frame.itertuples(index=False):
            article_id, outlet, m = _load(r.member)
            copy = None
            if r.original is not None and not pd.isna(r.original):
                copy = Copy(int(r.position), int(r.sentence), int(r.original), int(r.original_sentence),
                            float(r.similarity))
            rows.append((int(r.position), article_id, outlet, m, copy, r.copy_of if copy is not None else None))
            component[(int(r.position), m.ordinal)] = r.component
        group = int(frame["grp"].iloc[0])
        story_parts, ledger_parts = form_group(rows, outlets, prefix=f"g{group}-")
        first = {d["id"]: key for key, d in story_parts}
        out = [("story", key[0], key[1], d["id"], d["type"] == "capture", group, component[key],
                json.dumps(d, ensure_ascii=False)) for key, d in story_parts]
        out += [("ledger", first[opener][0], first[opener][1], opener, capture, group, component[first[opener]],
                 json.dumps(d, ensure_ascii=False)) for opener, capture, d in ledger_parts]
        return pd.DataFrame(out, columns=["kind", "position", "ordinal", "provisional", "capture", "grp",
                                          "component", "document"])

    return run


def components(edges, nodes: list[str], max_rounds: int = 1000):
    """Connected components of a bipartite node-key graph (``edges``: node columns + ``key``), by label
    propagation with joins: every node ends labelled with the smallest key of its component."""
    from pyspark.sql import functions as F

    edges = edges.select(*nodes, "key").distinct().localCheckpoint()
    labels = edges.groupBy(*nodes).agg(F.min("key").alias("label")).localCheckpoint()
    for _ in range(max_rounds):
        by_key = edges.join(labels, nodes).groupBy("key").agg(F.min("label").alias("label"))
        new = edges.join(by_key, "key").groupBy(*nodes).agg(F.min("label").alias("label")).localCheckpoint()
        changed = new.join(labels.withColumnRenamed("label", "old"), nodes).where("label <> old").count()
        labels = new
        if not changed:
            return labels
    raise RuntimeError("connected components did not converge")  # pragma: no cover - labels only decrease


def _copies(sentences, groups: int):
    """Copied sentences of the run (COPY_DDL), as ``dedupe.find_copies`` finds them on one machine."""
    from pyspark.sql import functions as F

    buckets = sentences.select("position", "sentence", F.explode("bands").alias("key"))
    shared = buckets.groupBy("key").agg(F.countDistinct("position").alias("n")).where("n >= 2").select("key")
    labels = components(buckets.join(shared, "key"), ["position", "sentence"])
    rows = sentences.join(labels, ["position", "sentence"]).withColumn("grp", F.pmod(F.hash("label"), F.lit(groups)))
    return (rows.select("grp", "position", "published", "k", "sentence", "text")
            .groupBy("grp").applyInPandas(copies_group, COPY_DDL))


def _near_km(a: str, b: str):
    """Great-circle distance in km between (lat, lon) columns ``a``/``b`` (Spark SQL), as stories._km."""
    from pyspark.sql import functions as F

    p1, p2 = F.radians(F.col(f"{a}_lat")), F.radians(F.col(f"{b}_lat"))
    dp, dl = p2 - p1, F.radians(F.col(f"{b}_lon") - F.col(f"{a}_lon"))
    h = F.pow(F.sin(dp / 2), 2) + F.cos(p1) * F.cos(p2) * F.pow(F.sin(dl / 2), 2)
    return 2 * 6371.0 * F.asin(F.sqrt(F.least(F.lit(1.0), h)))


def spark_stories(spark, results, work: str, groups: int | None = None, mode: str = "overwrite"
                 ) -> tuple[list[dict], list[dict], list[str]]:
    """Stories and ledgers of the run, formed in Spark (see the module docstring); returns (stories,
    ledgers, the group of each story) as documents equal to ``stories.build`` on one machine."""
    from pyspark.sql import functions as F

    from fogofwar.stories import NEAR_KM, outlet_key, renumber

    groups = groups or int(spark.conf.get("spark.sql.shuffle.partitions"))
    ok = results.where("ok")
    outlets = {k for k in (outlet_key(r["outlet"]) for r in ok.select("outlet").distinct().collect()) if k}
    ok.select("position", "id", "outlet", "story").mapInArrow(explode_members, MEMBER_DDL) \
        .write.mode(mode).parquet(f"{work}/members")
    ok.select("position", "story").mapInArrow(explode_sentences, SENTENCE_DDL) \
        .write.mode(mode).parquet(f"{work}/sentences")
    members = spark.read.parquet(f"{work}/members")
    _copies(spark.read.parquet(f"{work}/sentences"), groups).write.mode(mode).parquet(f"{work}/copies")
    copies = spark.read.parquet(f"{work}/copies")

    node = ["position", "ordinal"]
    own = F.concat(F.lit("self|"), F.col("position").cast("string"), F.lit(":"), F.col("ordinal").cast("string"))
    edges = members.select(*node, F.explode(F.array_union(F.col("keys"), F.array(own))).alias("key"))
    probes = members.select(F.col("position").alias("a_pos"), F.col("ordinal").alias("a_ord"), "cls",
                            F.explode("near").alias("cell"), F.col("lat").alias("a_lat"), F.col("lon").alias("a_lon"))
    targets = members.where("cell IS NOT NULL").select(
        F.col("position").alias("b_pos"), F.col("ordinal").alias("b_ord"), "cls", "cell",
        F.col("lat").alias("b_lat"), F.col("lon").alias("b_lon"))
    near = (probes.join(targets, ["cls", "cell"]).where(_near_km("a", "b") <= NEAR_KM + 0.5)
            .select("a_pos", "a_ord", "b_pos", "b_ord",
                    F.concat_ws("|", F.lit("near"), "a_pos", "a_ord", "b_pos", "b_ord").alias("key")))
    edges = (edges.unionByName(near.select(F.col("a_pos").alias("position"), F.col("a_ord").alias("ordinal"), "key"))
             .unionByName(near.select(F.col("b_pos").alias("position"), F.col("b_ord").alias("ordinal"), "key")))
    labels = components(edges, node).withColumnRenamed("label", "component")

    ids = results.select(F.col("position").alias("original"), F.col("id").alias("copy_of"))
    rows = (members.join(labels, node)
            .join(copies, ["position", "sentence"], "left")
            .join(ids, "original", "left")
            .withColumn("grp", F.pmod(F.hash("component"), F.lit(groups))))
    parts = (rows.select("grp", "component", "position", "ordinal", "sentence", "original", "original_sentence",
                         "similarity", "copy_of", "member")
             .groupBy("grp").applyInPandas(stories_group(outlets), PART_DDL).collect())
    story_parts = [((r["position"], r["ordinal"]), json.loads(r["document"])) for r in parts if r["kind"] == "story"]
    ledger_parts = [(r["provisional"], r["capture"], json.loads(r["document"])) for r in parts if r["kind"] == "ledger"]
    where = {r["provisional"]: f'{r["grp"]}/{r["component"]}' for r in parts if r["kind"] == "story"}
    order = [d["id"] for _, d in sorted(story_parts, key=lambda p: p[0])]
    stories, ledgers = renumber(story_parts, ledger_parts)
    return stories, ledgers, [where[x] for x in order]


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
        batch_size: int = 16, partitions: int | None = None, mode: str = "overwrite", story_groups: int | None = None
        ) -> dict[str, int]:
    """Analyse every article at ``input_path``; write the Parquet tables under ``output_path``; return row counts.

    ``story_groups``: how many groups stories are formed in (default ``spark.sql.shuffle.partitions``).

    ``partitions`` spreads the articles over that many tasks (their input position is kept, so the
    stories come out as they would for the same articles in that order on one machine).
    """
    from pyspark.sql import functions as F

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

    stories, ledgers, where = spark_stories(spark, results, f"{out}/_stories", groups=story_groups, mode=mode)
    story_rows = [{**_story_row(d), "story_group": g} for d, g in zip(stories, where)]
    ledger_rows = [_ledger_row(d) for d in ledgers]
    spark.createDataFrame(story_rows, STORY_DDL + ", story_group STRING").write.mode(mode).parquet(f"{out}/stories")
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


__all__ = ["run", "session", "read_articles", "analyze_partition", "ddl_of", "spark_command", "spark_stories", "components"]
