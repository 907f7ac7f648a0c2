"""The API's Lambda handler: accepts a JSON document by POST and acknowledges it.

It runs in the VPC next to the database. DB_HOST/DB_PORT/DB_NAME and the ARN
of the RDS-managed credentials secret (DB_SECRET_ARN) are in its environment;
add a PostgreSQL driver (e.g. psycopg as a Lambda layer) to persist the items.
"""

import json
import os
import uuid


def _response(status: int, body: dict) -> dict:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def handler(event, context):
    try:
        item = json.loads(event.get("body") or "{}")
    except json.JSONDecodeError:
        return _response(400, {"error": "the request body must be JSON"})
    if not isinstance(item, dict):
        return _response(400, {"error": "the request body must be a JSON object"})
    return _response(201, {
        "id": str(uuid.uuid4()),
        "item": item,
        "database": os.environ.get("DB_NAME", ""),
    })
