"""The bundled sample capture is exactly what its generator writes."""
import pathlib

from c2detect import samples

ROOT = pathlib.Path(__file__).resolve().parents[3]


def test_sample_pcap_is_reproducible():
    assert (ROOT / "examples/sample/sample.pcap").read_bytes() == samples.build()


def test_sample_pcap_header_and_frame_count():
    data = samples.build()
    assert data[:4] == bytes.fromhex("d4c3b2a1")  # little-endian microsecond pcap
    pos, frames = 24, 0
    while pos < len(data):
        incl = int.from_bytes(data[pos + 8:pos + 12], "little")
        pos += 16 + incl
        frames += 1
    assert pos == len(data)
    # 3 + 15 + 1 DNS exchanges (2 frames each), the page, the download and SSH, 190
    # refused attempts (SYN, RST) and 10 beacon connections of 10 frames
    assert frames == 2 * 19 + sum([14, 51, 10]) + 190 * 2 + 10 * 10
