"""The JSON Schemas that ship with mapper: one for the briefing, one for each geodata file.

They describe, for editors and other tools, the rules that :mod:`mapper.load.schema`
and :mod:`mapper.load.briefing` check; those stay the authority.  The files live in
``data/schema`` (packaged as ``mapper.data``), beside the bundled geodata.
"""

from mapper.core.vocab import SCHEMAS
from mapper.errors import DataError, InputError
from mapper.load.bundled import default_data_dir
from mapper.load.files import read_json


def schema_path(name):
    """Where the JSON Schema called ``name`` (one of :data:`~mapper.core.vocab.SCHEMAS`) is.

    Raises
    ------
    InputError
        If ``name`` is not one of them.
    """
    if name not in SCHEMAS:
        raise InputError(f"unknown schema {name!r}; use one of {', '.join(SCHEMAS)}")
    return default_data_dir().parent / "schema" / f"{name}.schema.json"


def read_schema(name):
    """The JSON Schema called ``name``, decoded.

    Raises
    ------
    InputError
        If ``name`` is not one of :data:`~mapper.core.vocab.SCHEMAS`.
    DataError
        If its file is missing or not a JSON object (a broken installation).
    """
    path = schema_path(name)
    schema = read_json(path, "schema file")
    if not isinstance(schema, dict):
        raise DataError(f"{path}: a JSON Schema must be a JSON object")
    return schema

