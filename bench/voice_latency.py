"""Voice latency and memory (a benchmark, not a test): enrolment (3 x 3 s) and verification
(3 s) in-process and over HTTP, p50/p99, and the warm memory of `vaani serve`.
Run: PYTHONPATH=. .venv/bin/python bench/voice_latency.py"""

from __future__ import annotations

import base64
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
import soundfile as sf

from adapters.voice.resemblyzer_engine import ResemblyzerVoiceEngine
from bench.report import Table, time_in_turn, write_section
from tests.support.device_keys import DeviceKeyPair
from tests.support.spoken import say
from tests.support.voice import encode

DEV = Path(os.environ.get("VOICE_DEV", "../shared/voice/dev"))
SECRET = "bench-secret-" + "x" * 40
ROUNDS = 30
# A genuine answer is misheard about once in two hundred (docs/voice.md): a login so refused is
# asked again, as a customer would, and counted; more than this many stops the run.
MISHEARD_AT_MOST = 3


def three_seconds(path: Path) -> bytes:
    data, rate = sf.read(path, dtype="float32")
    return encode(data[: 3 * rate], rate)


def quantiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50 {statistics.median(samples) * 1e3:.0f} ms, p99 {q[98] * 1e3:.0f} ms"


def in_process(clips: list[bytes]) -> dict[str, float]:
    """The engine's analysis (decode, checks, VAD, embedding) next to resemblyzer's own
    preprocess + embed of the same audio, interleaved."""
    from resemblyzer import VoiceEncoder, preprocess_wav

    engine = ResemblyzerVoiceEngine()
    started = time.perf_counter()
    engine.warm_up()
    load = time.perf_counter() - started
    print(f"model load + warm-up: {load:.1f} s")
    bare_encoder = VoiceEncoder(device="cpu", verbose=False)

    def bare_embed(clip: bytes) -> None:
        samples, rate = sf.read(io.BytesIO(clip), dtype="float32")
        bare_encoder.embed_utterance(preprocess_wav(samples, source_sr=rate))

    verify, bare = [], []
    for i in range(ROUNDS):
        clip = clips[i % len(clips)]
        time_in_turn(i, {"engine": lambda: engine.analyse(clip),  # noqa: B023 (called now)
                         "bare": lambda: bare_embed(clip)},  # noqa: B023
                     {"engine": verify, "bare": bare})  # each goes first every other clip
    print(f"in-process verify (decode + VAD + embed, 3 s): {quantiles(verify)}; "
          f"real-time factor {statistics.median(verify) / 3:.3f}; bare resemblyzer "
          f"{quantiles(bare)}")
    q, b = statistics.quantiles(verify, n=100), statistics.quantiles(bare, n=100)
    return {"load": load, "p50": statistics.median(verify), "p99": q[98],
            "bare50": statistics.median(bare), "bare99": b[98]}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def over_http(clips: list[bytes], workdir: Path) -> dict[str, float]:
    """Voice logins as an app makes them, each one checked to be accepted: a nonce from
    POST /auth/device-challenge signed by the device's key, and the digits it asks for said in
    Allison's voice (her recordings of each digit, joined), scored against the voiceprint
    enrolled from her 3 s clips. The near-duplicate check is off
    (VAANI_VOICE_REPLAY_PERMILLE=1000): the answers are the same ten recordings re-ordered,
    which it would rightly call replays; the digits make every answer new."""
    env = {**os.environ, "VAANI_DATABASE_URL": f"sqlite:///{workdir / 'voice.db'}",
           "VAANI_JWT_SECRET": SECRET, "VAANI_AUTH_RATE_PER_IP": "100000",
           "VAANI_LOGIN_RATE_PER_CUSTOMER": "100000", "VAANI_VOICE_REPLAY_PERMILLE": "1000"}
    vaani = [sys.executable, "-m", "entrypoints.cli.app"]
    subprocess.run([*vaani, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    subprocess.run([*vaani, "customer", "create", "--first-name", "Bench",  # noqa: S603
                    "--last-name", "Voice", "--email", "bench@example.in",
                    "--phone", "+919800099999", "--json"],
                   env={**env, "VAANI_NEW_PASSWORD": "bench voice passphrase"}, check=True,
                   capture_output=True)
    server = subprocess.Popen([*vaani, "serve", "--port", "8766"], env=env,  # noqa: S603
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        api = "http://127.0.0.1:8766/api/v1"
        for _ in range(600):
            try:
                httpx.get("http://127.0.0.1:8766/health")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        warm_rss = rss_mib(server.pid)
        print(f"vaani serve warm (models loaded and warmed) RSS: {warm_rss:.0f} MiB")
        number = _customer_number(env)
        key, device = DeviceKeyPair(), "bench-device-0000"
        verify: list[float] = []
        lengths: list[float] = []
        with httpx.Client(timeout=60) as http:
            login = http.post(f"{api}/auth/login", json={
                "customer_number": number, "method": "password",
                "password": "bench voice passphrase",
                "device": {"identifier": device, "public_key": key.public_key()}})
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            device_id = http.get(f"{api}/device-bindings", headers=headers).json()["items"][0]["id"]
            body = {"samples": [base64.b64encode(c).decode() for c in clips[:3]]}
            t0 = time.perf_counter()
            response = http.post(f"{api}/device-bindings/{device_id}/voice", headers=headers,
                                 json=body)
            enrol = time.perf_counter() - t0
            assert response.status_code == 201, response.text
            misheard = 0
            while len(verify) < ROUNDS:
                challenge = http.post(f"{api}/auth/device-challenge", json={
                    "customer_number": number, "device_identifier": device}).json()
                answer = say(challenge["say"])  # the customer speaking: not timed
                lengths.append(sf.info(io.BytesIO(answer)).duration)
                started = time.perf_counter()
                response = http.post(f"{api}/auth/login", json={
                    "customer_number": number, "method": "voice",
                    "voice_sample": base64.b64encode(answer).decode(),
                    "device": {"identifier": device, "proof": {
                        "nonce": challenge["nonce"],
                        "signature": base64.b64encode(
                            key.sign(challenge["message"].encode())).decode()}}})
                ended = time.perf_counter()
                if _misheard(response) and misheard < MISHEARD_AT_MOST:
                    misheard += 1  # the recogniser's rare slip: the customer asks again
                    continue
                assert response.status_code == 200, response.text  # an accepted login
                verify.append(ended - started)
        print(f"HTTP enrol (3 x 3 s): {enrol * 1e3:.0f} ms")
        print(f"HTTP voice login (spoken digits): {quantiles(verify)}")
        print(f"vaani serve RSS after the run: {rss_mib(server.pid):.0f} MiB")
        q = statistics.quantiles(verify, n=100)
        return {"enrol": enrol, "p50": statistics.median(verify), "p99": q[98],
                "misheard": misheard,
                "rss": rss_mib(server.pid), "warm_rss": warm_rss,
                "seconds": statistics.median(lengths)}
    finally:
        server.terminate()
        server.wait(10)


def _misheard(response: httpx.Response) -> bool:
    """A login refused because the digits heard were not the ones asked for."""
    if response.status_code != 401:
        return False
    return bool(response.json().get("error", {}).get("info", {}).get("reason") == "wrong_digits")


def _customer_number(env: dict[str, str]) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(env["VAANI_DATABASE_URL"])
    with engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT customer_number FROM customers")).scalar_one())


def main() -> None:
    clips = [three_seconds(p) for p in sorted((DEV / "allison_en").glob("*.wav"))[:12]]
    if len(clips) < 12:  # a clone elsewhere than beside ../shared finds no recordings
        raise SystemExit(f"{DEV / 'allison_en'} has fewer than 12 recordings: set VOICE_DEV to "
                         "the folder of speakers (../shared/voice/dev from the repository)")
    local = in_process(clips)
    with tempfile.TemporaryDirectory() as tmp:
        http = over_http(clips, Path(tmp))
    table = Table(["figure", "Vaani", "baseline", "ratio"])
    table.add(["verify in-process, 3 s clip (p50 / p99 ms)",
               f"{local['p50'] * 1e3:.0f} / {local['p99'] * 1e3:.0f}",
               f"bare resemblyzer embed {local['bare50'] * 1e3:.0f} / {local['bare99'] * 1e3:.0f}",
               f"{local['bare50'] / local['p50']:.2f}"])
    table.add(["real-time factor (verify p50 / clip length)", f"{local['p50'] / 3:.3f}", "", ""])
    table.add([f"voice login over HTTP, six spoken digits ({http['seconds']:.1f} s; p50 / p99 ms)",
               f"{http['p50'] * 1e3:.0f} / {http['p99'] * 1e3:.0f}",
               f"in-process verify {local['p50'] * 1e3:.0f} / {local['p99'] * 1e3:.0f}",
               f"{local['p50'] / http['p50']:.2f}"])
    table.add(["enrolment over HTTP, 3 x 3 s (ms)", f"{http['enrol'] * 1e3:.0f}", "", ""])
    table.add(["model load + warm-up (s)", f"{local['load']:.1f}", "", ""])
    table.add(["`vaani serve` RSS warm / after the run (MiB)",
               f"{http['warm_rss']:.0f} / {http['rss']:.0f}", "", ""])
    write_section("Voice", f"""\
`bench/voice_latency.py`: real speech from `../shared/voice/dev` (3 s clips), {ROUNDS} rounds.
The engine's analysis (decode, format and length checks, voice activity detection, embedding)
is timed next to resemblyzer's own preprocess + embed of the same clip, interleaved, each of the
two going first every other clip. The voice login over HTTP is the whole accepted login: the
device's signed nonce, the spoken digits heard by the recogniser, the speaker embedding of the
same answer, attempt limits, comparison, session and audit; every one timed is checked to be
accepted. A login refused because a digit was misheard is asked again with a new challenge, as a
customer would, and not timed: {http['misheard']:.0f} this run.

The baseline is what a bare integration of the same model calls: the clip decoded by soundfile,
then resemblyzer's `preprocess_wav` (resampling, volume normalisation, its own silence
trimming) and `embed_utterance`, in the same process on the same CPU build of torch, without
the engine's format and length checks. Over HTTP the reference is the in-process verify of the
3 s clips: the login's answer is a different recording (Allison's digits, joined), so the ratio
says how the whole login compares with the speaker model's share, not a like-for-like cost.

{table.render()}""")


if __name__ == "__main__":
    main()
