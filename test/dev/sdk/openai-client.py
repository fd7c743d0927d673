"""Drives the dev host's /v1 door with the official openai Python SDK and prints what it
saw as one JSON object (the test asserts on it). Usage: openai-client.py BASE_URL TOKEN"""
import json
import sys

import openai

base_url, token = sys.argv[1], sys.argv[2]
client = openai.OpenAI(base_url=base_url, api_key=token, max_retries=0, timeout=20)
seen = {"sdk_version": openai.__version__}


def failure(error):
    return {
        "class": type(error).__name__,
        "status": getattr(error, "status_code", None),
        "message": str(error),
        "code": getattr(error, "code", None),
        "type": getattr(error, "type", None),
        "retry_after": error.response.headers.get("retry-after") if getattr(error, "response", None) is not None else None,
    }


seen["models"] = [model.id for model in client.models.list()]

completion = client.chat.completions.create(model="parrot-small", messages=[{"role": "user", "content": "hello python"}])
seen["completion"] = completion.choices[0].message.content

pieces = []
for chunk in client.chat.completions.create(model="parrot-small", stream=True, messages=[{"role": "user", "content": "one two three"}]):
    if chunk.choices and chunk.choices[0].delta.content:
        pieces.append(chunk.choices[0].delta.content)
seen["stream"] = pieces

try:
    client.chat.completions.create(model="no-such-parrot", messages=[{"role": "user", "content": "hi"}])
except openai.APIError as error:
    seen["unknown_model"] = failure(error)

try:
    client.chat.completions.create(model="parrot-small", messages=[{"role": "user", "content": "slow down"}])
except openai.APIError as error:
    seen["rate_limited"] = failure(error)

pieces = []
try:
    for chunk in client.chat.completions.create(model="parrot-small", stream=True, messages=[{"role": "user", "content": "fail midway"}]):
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
except openai.APIError as error:
    seen["stream_error"] = dict(failure(error), before=pieces)

try:
    openai.OpenAI(base_url=base_url, api_key="not-the-token", max_retries=0).models.list()
except openai.APIError as error:
    seen["bad_token"] = failure(error)

print(json.dumps(seen))
