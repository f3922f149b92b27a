"""Apache Spark engine, for event tables too large for one machine.

``pyspark`` is an optional dependency (``pip install filet[spark]``) and needs Java 17
or later. Locally it runs as ``local[2]``; give a master URL (setting ``spark_master``)
to run on a cluster, whose executors must see the workspace's event folder at the same
path (a shared file system).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from pyspark.sql import SparkSession
from splink.backends.spark import similarity_jar_location

from filet import settings
from filet.engine.base import Engine
from filet.engine.dialects import SPARK

# Keeps the JVM's start-up chatter (hostname, native Hadoop library) off the terminal.
_LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")


def spark_session(master: str) -> SparkSession:
    """Start (or join) a Spark session set up the way every Filet query expects."""
    builder = (
        SparkSession.builder.master(master)
        .appName("filet")
        # Alert times are UTC; Spark would otherwise render timestamps in the JVM's zone.
        .config("spark.sql.session.timeZone", "UTC")
        # Filet shows its own progress; Spark's stage bars would garble it.
        .config("spark.ui.showConsoleProgress", "false")
        .config(
            "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_LOG_CONFIG.as_uri()}"
        )
        # Splink's string-similarity UDFs (Jaro-Winkler...) for entity resolution on Spark,
        # shipped to the executors with the job.
        .config("spark.jars", similarity_jar_location())
    )
    if master.startswith("local"):
        # The default 200 shuffle partitions cost more than they save on one machine,
        # and a local driver needs neither a web UI nor an address reachable from elsewhere.
        builder = (
            builder.config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine(Engine):
    """Steps become temporary views of one Spark session.

    Given an existing ``session`` (tests share one per run), the engine leaves it
    running on ``close``; otherwise it stops the session it started.
    """

    dialect = SPARK

    def __init__(self, master: str | None = None, session: SparkSession | None = None) -> None:
        self._owns_session = session is None and SparkSession.getActiveSession() is None
        if session is None:
            session = spark_session(master if master is not None else settings.get("spark_master"))
        self._spark = session
        self._views: set[str] = set()

    @property
    def session(self) -> SparkSession:
        """The session the engine runs on, for libraries that take one (Splink)."""
        return self._spark

    def register_parquet(self, table: str, folder: Path, files: list[Path] | None = None) -> None:
        paths = [str(path.resolve()) for path in (files if files is not None else [folder])]
        self._spark.read.parquet(*paths).createOrReplaceTempView(table)
        self._views.add(table)

    def _materialize(self, sql: str, output_table: str) -> None:
        self._spark.sql(sql).createOrReplaceTempView(output_table)
        self._views.add(output_table)

    def _fetch(self, table: str) -> pa.Table:
        return self._spark.table(table).toArrow()

    def close(self) -> None:
        for view in self._views:
            self._spark.catalog.dropTempView(view)
        self._views.clear()
        if self._owns_session:
            self._spark.stop()
