"""tools/hub_client reads a new picture in what the kernel sends, whichever widget carries it
(no hub needed here; tests/hub/test_hub.py moves a real slider through a real hub)."""

import asyncio

from tools.hub_client import Kernel, Reply


def kernel_with_request():
    k = Kernel.__new__(Kernel)  # no student, no websocket: only what _handle reads
    k.pending, k.models, k.stderr = {}, {}, []
    k.pending["m1"] = r = Reply(started=0.0, event=asyncio.Event())
    return k, r


def message(kind, content, parent="m1"):
    return {"header": {"msg_type": kind}, "parent_header": {"msg_id": parent}, "content": content}


def test_new_png_bytes_for_an_image_widget_are_a_new_picture():
    k, r = kernel_with_request()
    open_img = {"comm_id": "img", "target_name": "jupyter.widget"}
    k._handle(message("comm_open", {**open_img, "data": {"state": {"_model_name": "ImageModel"}}}))
    k._handle(
        message(
            "comm_open",
            {
                "comm_id": "s",
                "target_name": "jupyter.widget",
                "data": {"state": {"_model_name": "FloatSliderModel"}},
            },
        )
    )
    k._handle(message("comm_msg", {"comm_id": "s", "data": {"state": {"value": 2.0}}}))
    assert r.first_image is None  # a slider's echo is no picture
    k._handle(message("comm_msg", {"comm_id": "img", "data": {"state": {"_dom_classes": []}}}))
    assert r.first_image is None  # nor is an Image's change without new bytes
    k._handle(
        message(
            "comm_msg",
            {
                "comm_id": "img",
                "data": {"method": "update", "state": {}, "buffer_paths": [["value"]]},
            },
        )
    )
    assert r.first_image is not None


def test_a_png_in_an_output_widget_is_a_new_picture():
    k, r = kernel_with_request()
    k._handle(
        message(
            "comm_open",
            {
                "comm_id": "o",
                "target_name": "jupyter.widget",
                "data": {"state": {"_model_name": "OutputModel"}},
            },
        )
    )
    outputs = [{"output_type": "display_data", "data": {"image/png": "iVBOR"}}]
    k._handle(message("comm_msg", {"comm_id": "o", "data": {"state": {"outputs": outputs}}}))
    assert r.first_image is not None
