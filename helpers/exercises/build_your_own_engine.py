"""Checks for notebook 02b (build your own engine): the learner writes a micrograd-style `Value`.

Each check runs the learner's code on small graphs, compares every gradient with
``helpers.autodiff`` (whose own gradients are tested against finite differences) and, when
something is off, says which bug it is: ``=`` where ``+=`` belongs (found with a node used
twice, ``a + a``), a wrong local derivative (which operation, at which inputs), an order in
which some node comes before one of its parents (checked at every node of graphs where a node
is reached along paths of different lengths: a diamond with one long arm, random graphs; a
breadth-first order reversed passes on the plain diamond and fails there), a backward pass in
the wrong order, an output gradient never set to 1. It also names the slips a first reader
made: ``out.data`` where ``out.grad`` belongs, a parent whose gradient is never updated,
tanh applied twice (``1 - math.tanh(t)**2``) or ``1 - t``, a ``may_join`` that can never be
True (tried on a leaf and on a node whose parents are placed, before the rounds could loop
forever), and ``v._backward`` named but never called. And those of a fourth reader, where
Python's own message does not help: a ``Value`` where its number belongs
(``self.grad += other * out.grad``: "other is a Value; its number is other.data"), brackets
missing in ``1 - t**2 * out.grad``, ``v.backward()`` where ``v._backward()`` belongs (a
RecursionError that Python blames on whatever ran last), and ``reversed(topological_order)``
without ``(self)``. And those of a fifth reader: a ``.grad`` where a ``.data`` belongs
(``self.grad += other.grad * out.grad``, which adds 0: the line is quoted, or found by what
``_backward`` does when its source is unknown), and ``self._backward()`` where
``v._backward()`` belongs in the loop of ``backward``. And a sign slip (``self.grad -=
out.grad``), told apart from a wrong local derivative at test points where no two usual slips
give the same numbers. And those of a round-27 reader: an input's own ``.grad`` or ``.data``
where ``out.grad`` belongs (``self.grad += other.data * self.grad``, then ``… * self.data``):
the local derivative is right, and the message names the missing factor, out.grad.

The feedback on a wrong try never shows the expected number, and the hints that give the
method away come only after a wrong try: a nudge the first time, more the next times. Whatever
the learner's code does (raise, return nonsense, lack an attribute) a check prints one ✗ line
and returns False; it never raises.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import dataclasses
import dis
import functools
import inspect
import io
import linecache
import math
import os
import random
import re
import traceback
import types

from helpers.autodiff import Value as Reference
from helpers.autodiff import topological_order as reference_order
from helpers.calculus import central_difference

from . import FAIL, PASS, _tries, at_every_point, exercise, hint, learner_source, reset_tries

__all__ = [
    "check_add_mul",
    "check_tanh",
    "check_topological_order",
    "check_backward",
    "engine_for_training",
    "lecture_network",
    "training_verdict",
    "reset_tries",
]


DELETE_THE_RAISE = (
    "Delete the line `raise NotImplementedError(...)` and write your code in its place"
)


def _innermost(err: BaseException):
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb


def _add_delete_the_raise(err: NotImplementedError) -> None:
    """Put the sentence after the hint of ``err``: delete the line ``raise
    NotImplementedError(...)`` (code written under it is named by every check: the shared
    ``code_below_raise``)."""
    text = str(err).rstrip()
    if text and not text.endswith((".", "?", "!")):
        text += "."
    err.args = (f"{text} {DELETE_THE_RAISE}" if text else DELETE_THE_RAISE,)


def _say_delete_the_raise(check=None, *, own=()):
    """A learner's ``raise NotImplementedError(hint)`` reaches the learner with its hint and the
    sentence: delete that line (and, if code was written under it, that this code never runs).
    With ``own``, only for a raise in one of those functions (another one belongs to an
    earlier exercise, and @exercise says so)."""
    if check is None:
        return functools.partial(_say_delete_the_raise, own=own)

    @functools.wraps(check)
    def run(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except NotImplementedError as err:
            tb = _innermost(err)
            if own and (tb is None or tb.tb_frame.f_code.co_name not in own):
                raise
            _add_delete_the_raise(err)
            raise

    return run


def _wrong(name: str, bug: str, hints: list[str]) -> bool:
    """One ✗ line naming the bug, then the hint for this try (a nudge first, then more)."""
    print(f"{FAIL} {name}: {bug}")
    hint(hints)
    return False


def _learner_code(err: BaseException) -> str:
    """The line of the learner's code where ``err`` came from (without a comment), or ""."""
    here = os.path.dirname(os.path.abspath(__file__))
    frames = [
        f
        for f in traceback.extract_tb(err.__traceback__)
        if not os.path.abspath(f.filename).startswith(here)
    ]
    line = (frames[-1].line or "") if frames else ""
    return line.split("#")[0].strip()


#: A node's name used bare, not followed by `.data` or `.grad`: the node where its number belongs.
_BARE_NODE = re.compile(r"\b(self|other|out)\b(?!\s*\.)")


def _a_node_for_a_number(name: str, err: BaseException, Value, hints: list[str]) -> bool:
    """True (after one ✗ line) for a TypeError raised because a ``Value`` was used where a
    plain number belongs, as in ``self.grad += other * out.grad`` (``other.data`` meant):
    Python says only "unsupported operand type(s) for +=: 'float' and 'Value'"."""
    text = str(err)
    if not isinstance(err, TypeError) or "unsupported operand" not in text:
        return False
    if f"'{getattr(Value, '__name__', 'Value')}'" not in text and "'Value'" not in text:
        return False
    code = _learner_code(err)
    right = re.split(r"[-+*/]?=(?!=)", code, maxsplit=1)[-1]
    bare = list(dict.fromkeys(_BARE_NODE.findall(right)))
    said = {
        "self": "self is a Value; its number is self.data",
        "other": "other is a Value; its number is other.data",
        "out": "out is a Value; its gradient is out.grad",
    }
    if bare:
        what = ". ".join(said[n] for n in bare)
        bug = f"in `{code}` a Value (a whole node) is used where a plain number belongs. {what}"
    else:
        bug = (
            "a Value (a whole node) is used where a plain number belongs. self, other and "
            "out are Values: other's number is other.data, and out's gradient is out.grad"
        )
    _wrong(name, f"{bug}. (Python said: TypeError: {text})", hints)
    return True


def _a_caret_for_a_power(name: str, err: BaseException) -> bool:
    """True (after one ✗ line) for ``t^2`` written for t squared: in Python ``^`` is not a
    power, and on floats it is Python's bare "unsupported operand type(s) for ^"."""
    if not isinstance(err, TypeError) or "unsupported operand type(s) for ^" not in str(err):
        return False
    code = _learner_code(err)
    where = f"in `{code}`: " if code else ""
    _wrong(
        name,
        f"{where}`^` is not a power in Python (it works on whole numbers bit by bit, and not "
        f"at all on decimal numbers). A power is written with `**`: t squared is `t**2`. "
        f"(Python said: TypeError: {err})",
        ["write t squared as t**2, or as t * t"],
    )
    return True


#: Python's names for a function in "unsupported operand type(s)" (a def, a builtin, a method).
_FUNCTION_TYPES = ("'function'", "'builtin_function_or_method'", "'method'")


def _learner_frame(err: BaseException):
    """The last frame of ``err``'s traceback outside this package (the learner's), or None."""
    here = os.path.dirname(os.path.abspath(__file__))
    frame, tb = None, err.__traceback__
    while tb is not None:
        if not os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(here):
            frame = tb.tb_frame
        tb = tb.tb_next
    return frame


def _dotted_name(node: ast.AST, scope: dict):
    """``(text, object)`` for a plain dotted name such as ``self.tanh`` found in ``scope``;
    None for anything else, or a name that is not there."""
    chain = []  # self.tanh -> ["self", "tanh"]
    part = node
    while isinstance(part, ast.Attribute):
        chain.insert(0, part.attr)
        part = part.value
    if not isinstance(part, ast.Name) or part.id not in scope:
        return None
    obj = scope[part.id]
    try:
        for attr in chain:
            obj = getattr(obj, attr)
    except AttributeError:
        return None
    return ".".join([part.id, *chain]), obj


def _functions_named_in(err: BaseException, code: str) -> list[str]:
    """The names in ``code`` (the learner's line where ``err`` came from) that stand for a
    function there but are not called, as ``tanh`` in ``1 - tanh**2``; looked up in that
    line's frame. [] when the line or its frame is not known."""
    frame = _learner_frame(err)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    if frame is None:
        return []
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    skip = called | inner  # a call's function, or the start of a longer dotted name
    scope = {**vars(builtins), **frame.f_globals, **frame.f_locals}
    found = []
    for node in ast.walk(tree):
        named = None if id(node) in skip else _dotted_name(node, scope)
        if named and callable(named[1]) and not isinstance(named[1], type):
            if named[0] not in found:
                found.append(named[0])
    return found


def _a_function_for_a_number(name: str, err: BaseException, hints: list[str]) -> bool:
    """True (after one ✗ line) for a TypeError raised because a function's name was used
    where a number belongs, as ``tanh`` in ``self.grad += (1 - tanh**2) * out.grad``: Python
    says only "unsupported operand type(s) for ** or pow(): 'function' and 'int'"."""
    text = str(err)
    if not isinstance(err, TypeError) or "unsupported operand" not in text:
        return False
    if not any(kind in text for kind in _FUNCTION_TYPES):
        return False
    code = _learner_code(err)
    where = f"in `{code}`, " if code else ""
    names = _functions_named_in(err, code) if code else []
    if names:
        bug = f"{where}`{names[0]}` is a function, not a number"
    else:
        bug = f"{where}a function's name is used where a number belongs"
    bug += (
        ". Without brackets, a function's name is the function itself, and Python cannot "
        "compute with it"
    )
    if name == "tanh":
        bug += ". In tanh's _backward, t already holds the number tanh(x)"
    _wrong(name, f"{bug}. (Python said: TypeError: {text})", hints)
    return True


def _a_name_never_given(name: str, err: BaseException) -> bool:
    """True (after one ✗ line) for a NameError in ``_backward``, as ``local * out.grad`` typed
    from section 2, where ``local`` is a word for a number: Python says only "name 'local' is
    not defined"."""
    if not isinstance(err, NameError):
        return False
    missing = getattr(err, "name", None) or "that name"
    names = "self, other and out" if name == "+ and *" else "self, out and t"
    bug = (
        f"your code uses the name `{missing}`, but no line has given it a value (Python calls "
        f"that a NameError). Inside _backward the names you have are {names}"
    )
    if missing == "local":
        bug = (
            "`local` in section 2 is a word for the local derivative, not a variable: "
            "write the number itself. For + it is 1. For *, self's is other.data and "
            "other's is self.data"
        )
    _wrong(
        name,
        f"{bug}. (Python said: NameError: {err})",
        [
            "self.grad += (local derivative) "
            "* out.grad, with the local derivative written as a number or a .data"
        ],
    )
    return True


def _a_division_by_an_input(name: str, err: BaseException) -> bool:
    """True (after one ✗ line) for a ZeroDivisionError in ``_backward``, as in
    ``self.grad += (out.data / self.data) * out.grad``: right for every input except 0."""
    code = _learner_code(err) if isinstance(err, ZeroDivisionError) else ""
    if name != "+ and *" or "/" not in code:
        return False
    where = f"in `{code}` "
    _wrong(
        name,
        f"{where}your _backward divides by an input's value, and an input can be 0. "
        "out.data / self.data equals other.data only when self.data is not 0. "
        f"(Python said: ZeroDivisionError: {err})",
        ["write the local derivative directly: for *, self's is other.data, not a quotient"],
    )
    return True


def _nodes_are_not_numbers(name: str, hints: list[str]):
    """A check that names a ``Value`` used where a number belongs (``_a_node_for_a_number``)
    instead of showing Python's bare TypeError; ``hints`` for the tries."""

    def wrap(check):
        @functools.wraps(check)
        def run(Value):
            try:
                return check(Value)
            except (TypeError, NameError, ZeroDivisionError) as err:
                if (
                    _a_division_by_an_input(name, err)
                    or _a_name_never_given(name, err)
                    or _a_node_for_a_number(name, err, Value, hints)
                    or _a_function_for_a_number(name, err, hints)
                    or _a_caret_for_a_power(name, err)
                ):
                    return False
                raise

        return run

    return wrap


def _close(x, y, rel=1e-9) -> bool:
    try:
        return math.isclose(float(x), float(y), rel_tol=rel, abs_tol=1e-12)
    except (TypeError, ValueError):
        return False


def _num(x) -> str:
    return f"{float(x):g}"


def _near(got, want, rel=1e-3) -> bool:
    """True when ``got`` is within ``rel`` of ``want`` yet not equal to it as ``_close`` asks:
    an estimate (a central difference, as notebook 01 teaches) or a rounded number where the
    exact local derivative belongs."""
    try:
        return math.isclose(float(got), float(want), rel_tol=rel) and not _close(got, want)
    except (TypeError, ValueError):
        return False


AN_ESTIMATE = (
    "close to the right value, but not equal to it. An estimate of the slope, such as "
    "nudging the input, or a rounded number is not enough here: the check wants the exact "
    "local derivative"
)


def _is_class(name: str, Value) -> bool:
    if isinstance(Value, type):
        return True
    print(f"{FAIL} {name}: expected your class Value itself, got {type(Value).__name__} {Value!r}")
    return False


def _reference_grads(op: str, x: float, y: float, g: float):
    """d(out)/dx · g and d(out)/dy · g by helpers.autodiff, confirmed by a central difference."""
    a, b = Reference(x), Reference(y)
    out = a + b if op == "+" else a * b
    out.backward()
    f = (lambda u, v: u + v) if op == "+" else (lambda u, v: u * v)
    h = 1e-6
    assert _close(a.grad, central_difference(lambda u: f(u, y), x, h), 1e-6)
    assert _close(b.grad, central_difference(lambda v: f(x, v), y, h), 1e-6)
    return a.grad * g, b.grad * g


#: The input nodes of a ``_backward`` of + or *, whose ``.grad`` may wrongly stand for a value.
_INPUTS = ("self", "other")


def _grad_lines(backward) -> list[str]:
    """The lines of ``backward`` (the learner's closure) whose share for one input's grad is
    computed from an input's grad: the other's, as ``self.grad += other.grad * out.grad``
    (where ``other.data`` belongs), or its own, as ``self.grad += other.data * self.grad``
    (where ``out.grad`` belongs). The own grad that ``self.grad = self.grad + …`` adds to is
    right and not counted; [] when the source cannot be read."""
    read = learner_source(backward)
    if read is None:
        return []
    source, tree = read

    def grad_of(node):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "grad"
            and isinstance(node.value, ast.Name)
            and node.value.id in _INPUTS
        ):
            return node.value.id
        return None

    found = []
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.AugAssign):
            targets, value = [stmt.target], stmt.value
        elif isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        else:
            continue
        own = {grad_of(t) for t in targets} - {None}
        if not own:
            continue
        share = [value]
        if isinstance(stmt, ast.Assign):  # self.grad = self.grad + share: the first is kept
            share = _addends(value)
            kept = next((n for n in share if grad_of(n) in own), None)
            share = [n for n in share if n is not kept]
        used = {grad_of(n) for part in share for n in ast.walk(part)} - {None}
        if used:
            found.append((ast.get_source_segment(source, stmt) or "").strip())
    return [line for line in found if line]


def _addends(node: ast.AST) -> list:
    """The terms of a sum ``u + v + w`` (the node itself when it is no sum)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _addends(node.left) + _addends(node.right)
    return [node]


def _a_grad_for_a_value(Value, op, x, y, backward, got) -> bool:
    """True if the wrong gradients ``got`` come from a ``.grad`` used where a ``.data``
    belongs: the source says so, or (source unknown) ``_backward`` added nothing to an
    input whose gradient started at 0, yet changes it once the gradients start elsewhere."""
    if _grad_lines(backward):
        return True
    if not any(g == 0 for g in got):
        return False
    start = (0.25, -0.5)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            a, b = Value(x), Value(y)
            a.grad, b.grad = start
            out = a + b if op == "+" else a * b
            out.grad = UPSTREAM
            out._backward()
            after = (a.grad, b.grad)
    except Exception:  # the learner's code may do anything
        return False
    return any(g == 0 and not _close(s, t) for g, s, t in zip(got, start, after))


# --------------------------------------------------------------------------------------
# 2b.1  + and * with their local derivatives
# --------------------------------------------------------------------------------------

# The first point is where most wrong answers show first, so there no two usual slips give the
# same numbers: at a = 2, b = -3 a sign slip in + (-1.5) looked like out.data · out.grad, since
# a + b = -1 (tests/test_exercises_build_your_own_engine.py feeds each slip at each point).
# The 0 is there so that no dividing by an input passes.
ADD_MUL_POINTS = [(4.0, -1.25), (0.5, 4.0), (-1.5, -0.25), (0.0, 2.5)]
UPSTREAM = 1.5  # out.grad during the check: not 1, so a missing "· out.grad" shows
STARTING_GRADS = (0.25, -0.5)  # a.grad, b.grad before out._backward(): shares from other uses


@dataclasses.dataclass
class _Try:
    """One run of the learner's ``_backward`` of + or * at a = x, b = y, out.grad = UPSTREAM."""

    Value: type
    op: str
    x: float
    y: float
    out: object
    got: tuple  # a.grad, b.grad after out._backward()
    want: tuple  # the same by helpers.autodiff

    @property
    def sym(self) -> str:
        return "a + b" if self.op == "+" else "a · b"

    @property
    def where(self) -> str:
        return f"{self.sym} at a = {_num(self.x)}, b = {_num(self.y)} (with out.grad = {UPSTREAM})"

    def inputs(self):
        """An _Input for a, then for b."""
        return (
            _Input("a", "self", self.got[0], self.want[0], self.x, self.y),
            _Input("b", "other", self.got[1], self.want[1], self.y, self.x),
        )


@dataclasses.dataclass
class _Input:
    """One input of a _Try: its name, its attribute in _backward, the gradient it got, the
    right one, its own value and the other input's value."""

    name: str
    attr: str
    got: float
    want: float
    value: float
    other: float


def _inputs_where(t: _Try, test=lambda i: True) -> list:
    """The inputs of ``t`` (a, then b) whose gradient is wrong and that pass ``test``."""
    return [i for i in t.inputs() if not _close(i.got, i.want) and test(i)]


def _names(inputs: list) -> str:
    """``"a"``, ``"b"`` or ``"a and b"``."""
    return " and ".join(i.name for i in inputs)


def _local_alone(i: _Input) -> bool:
    """The input received its local derivative, not multiplied by out.grad."""
    return _close(i.got, i.want / UPSTREAM)


def _own_value(i: _Input) -> bool:
    """The input received its own value times out.grad."""
    return _close(i.got, i.value * UPSTREAM)


_LOCALS_OF_ADD_MUL = (
    "for +, both local derivatives are 1; for *, the local derivative for each input is "
    "the data of the other input"
)


# The usual bugs of an add/mul ``_backward``, tried in this order. Each takes a _Try and
# returns None, or what to say after "where: " and the hints.


def _shares_from(t: _Try, start=STARTING_GRADS):
    """The shares (a's, b's) that the learner's ``_backward`` adds when a.grad and b.grad
    start at ``start`` (shares from other uses), or None if it raises."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            a, b = t.Value(t.x), t.Value(t.y)
            a.grad, b.grad = start
            out = a + b if t.op == "+" else a * b
            out.grad = UPSTREAM
            out._backward()
            return a.grad - start[0], b.grad - start[1]
    except Exception:  # the learner's code may do anything
        return None


def _own_grad_as_out_grad(t: _Try) -> bool:
    """Each wrong input received its local derivative times its own grad (0 in the check, the
    share of another use otherwise): ``self.grad += other.data * self.grad``."""
    wrong = _inputs_where(t)
    shares = _shares_from(t)
    return (
        bool(wrong)
        and shares is not None
        and all(
            i.got == 0 and _close(shares[k], i.want / UPSTREAM * start)
            for k, (i, start) in enumerate(zip(t.inputs(), STARTING_GRADS))
            if i in wrong
        )
    )


_OUT_GRAD_MISSING = (
    "The local derivative is right. The factor missing is out.grad: the gradient arriving "
    "from the output, dL/d(out)"
)
_OUT_GRAD_HINTS = [
    "each share is (local derivative) * out.grad. out.grad is the gradient of the node out, "
    "the one that _backward passes on",
    "keep your local derivative and multiply it by out.grad, in both lines: "
    "self.grad += (local derivative) * out.grad",
]


def _grad_where_out_grad_belongs(t: _Try):
    """An input's ``.grad`` where ``out.grad`` belongs, as ``other.grad += self.data *
    self.grad`` or ``self.grad += other.data * self.grad``: the local derivative (a
    ``.data``) is there, ``out.grad`` is not."""
    lines, own = _grad_lines(t.out._backward), _own_grad_as_out_grad(t)
    if lines and any("out.grad" in line for line in lines):
        return None
    if not own and (not lines or any(".data" not in line for line in lines)):
        return None
    said = (
        " and ".join(f"`{line}`" for line in lines[:2])
        + (" multiplies" if len(lines[:2]) == 1 else " multiply")
        if lines
        else "_backward multiplies"
    )
    right = (
        _OUT_GRAD_MISSING
        if own
        else "By the chain rule, each share is the local derivative times out.grad: the "
        "gradient arriving from the output, dL/d(out)"
    )
    return (
        f"{said} the local derivative by an input's gradient where out.grad belongs. {right}",
        _OUT_GRAD_HINTS,
    )


def _a_value_as_out_grad(t: _Try):
    """Each wrong input received its local derivative times its own value, with no
    ``out.grad``: ``self.grad += other.data * self.data`` (a .data where out.grad belongs)."""
    wrong = _inputs_where(t, lambda i: not _close(i.want, 0))
    if (
        not wrong
        or wrong != _inputs_where(t)
        or not all(_close(i.got, i.want / UPSTREAM * i.value) for i in wrong)
    ):
        return None
    values = " and ".join(f"{i.name} received (local derivative) · {i.attr}.data" for i in wrong)
    return (
        f"{values}. {'Its own value stands' if len(wrong) == 1 else 'Their own values stand'} "
        f"where out.grad belongs. {_OUT_GRAD_MISSING}",
        _OUT_GRAD_HINTS,
    )


def _grad_where_data_belongs(t: _Try):
    """An input's ``.grad`` (its gradient, 0 so far) where a value belongs."""
    if not _a_grad_for_a_value(t.Value, t.op, t.x, t.y, t.out._backward, t.got):
        return None
    lines = _grad_lines(t.out._backward)
    local = (
        "The local derivative of + is the number 1"
        if t.op == "+"
        else "The local derivative of * is a value: if a grows by 1, how much does a·b grow?"
    )
    if lines:
        quoted = " and ".join(f"`{line}`" for line in lines[:2])
        one = len(lines[:2]) == 1
        said = (
            f"{quoted} {'multiplies' if one else 'multiply'} by a gradient (.grad) where a "
            "value belongs, so the share added is wrong"
        )
    else:
        said = (
            "_backward multiplies by an input's gradient (.grad), so that input received a "
            "wrong share: a .grad stands where a value (.data) belongs"
        )
    return (
        f"{said}. .grad is a node's gradient; .data is its value. {local}",
        [
            "use .data for a node's value and .grad for a gradient: "
            + ("the local derivative of + is 1" if t.op == "+" else "d(a·b)/da is b's value"),
            "self.grad += 1.0 * out.grad, and the same for other"
            if t.op == "+"
            else "self.grad += other.data * out.grad and other.grad += self.data * out.grad",
        ],
    )


def _both_unchanged(t: _Try):
    if not (t.got[0] == 0 and t.got[1] == 0):
        return None
    now = [getattr(p, "data", None) for p in getattr(t.out, "_prev", ())]
    changed = [n for n, v, d in zip("ab", (t.x, t.y), now) if d != v]
    data = (
        f" and changed {changed[0]}.data instead: .data is the node's value, the share "
        "goes into .grad"
        if changed
        else ""
    )
    return (
        f"out._backward() left a.grad and b.grad at 0{data}",
        [
            "_backward must change self.grad and other.grad",
            "self.grad += (local derivative) * out.grad, and the same for other",
        ],
    )


def _sign_flipped(t: _Try):
    """The right share with the wrong sign: ``self.grad -= out.grad``, or a minus sign in
    front of the share. Its size is right, so the local derivative is not what is wrong."""
    flipped = _inputs_where(t, lambda i: not _close(i.want, 0) and _close(i.got, -i.want))
    if not flipped:
        return None
    one = len(flipped) == 1
    lines = " and ".join(f"{i.attr}.grad" for i in flipped)
    return (
        f"{_names(flipped)} received {'its' if one else 'their'} share with the wrong sign. "
        f"The size is right, so the local derivative is right. But the share was taken away "
        f"from {lines} instead of added: look for -= where += belongs, or a minus sign",
        [
            "the chain rule adds each share to the gradient: +=, not -=",
            "self.grad += 1.0 * out.grad and other.grad += 1.0 * out.grad"
            if t.op == "+"
            else "self.grad += other.data * out.grad and other.grad += self.data * out.grad",
        ],
    )


def _out_data_for_out_grad(t: _Try):
    by_data = _inputs_where(t, lambda i: _close(i.got, i.want / UPSTREAM * t.out.data))
    if not by_data:
        return None
    return (
        f"{_names(by_data)} received (local derivative) · out.data: "
        "out.data is the node's value; the gradient to pass on is out.grad",
        [
            "the chain rule multiplies by dL/d(out), which is stored in out.grad",
            "self.grad += (local derivative) * out.grad, and the same for other",
        ],
    )


def _out_data_as_local(t: _Try):
    as_local = _inputs_where(t, lambda i: _close(i.got, t.out.data * UPSTREAM))
    if not as_local:
        return None
    return (
        f"{_names(as_local)} received out.data · out.grad: out.data "
        f"(the value of {t.sym}) is not the local derivative of {t.op}",
        [
            f"the local derivative is how much {t.sym} grows when a grows by 1 "
            f"(section 2), not the value of {t.sym}",
            _LOCALS_OF_ADD_MUL,
        ],
    )


def _one_never_updated(t: _Try):
    never = _inputs_where(t, lambda i: i.got == 0 and i.want != 0)
    if len(never) != 1:
        return None
    p, attr = never[0].name, never[0].attr
    return (
        f"{p}'s gradient was never updated: _backward must also change {attr}.grad",
        [
            "each of the two inputs gets its own share: one line for self.grad, one for other.grad",
            f"{attr}.grad += (local derivative) * out.grad",
        ],
    )


def _locals_alone(t: _Try):
    if len(_inputs_where(t, _local_alone)) != 2:
        return None
    return (
        "a and b received the local derivatives alone, not multiplied by out.grad",
        [
            "the chain rule: the share of a is (d out/d a) times (d L/d out). The second "
            "factor, d L/d out, is stored in out.grad",
            "self.grad += (local derivative) * out.grad",
            "in add: self.grad += 1.0 * out.grad and other.grad += 1.0 * out.grad"
            if t.op == "+"
            else "in mul: self.grad += other.data * out.grad and "
            "other.grad += self.data * out.grad",
        ],
    )


def _one_local_alone(t: _Try):
    alone = _inputs_where(t, _local_alone)
    if len(alone) != 1:  # e.g. other.grad += self.data: its local derivative is right
        return None
    p, attr = alone[0].name, alone[0].attr
    return (
        f"{p} received its local derivative alone, not multiplied by "
        f"out.grad: in the line for {attr}.grad, `* out.grad` is missing",
        [
            "the chain rule: each input's share is (local derivative) times out.grad",
            f"{attr}.grad += (local derivative) * out.grad",
        ],
    )


def _factors_swapped(t: _Try):
    if t.op != "*" or len(_inputs_where(t, _own_value)) != 2:
        return None
    return (
        "wrong local derivative of *: a received a · out.grad and b received b · out.grad",
        [
            "if a grows by 1, how much does a·b grow? That is the local derivative "
            "for a (section 2)",
            "d(a·b)/da is the *other* factor, b: self.grad += other.data * out.grad",
        ],
    )


def _one_own_value(t: _Try):
    own = _inputs_where(t, _own_value)
    if len(own) != 1:  # e.g. other.grad += other.data * out.grad
        return None
    p, attr = own[0].name, own[0].attr
    q, other_attr = ("b", "other") if p == "a" else ("a", "self")
    local, line = (
        (f"the other factor, {q}", f"{attr}.grad += {other_attr}.data * out.grad")
        if t.op == "*"
        else ("1", f"{attr}.grad += 1.0 * out.grad")
    )
    return (
        f"wrong local derivative of {t.op}: {p} received {p} · out.grad, "
        f"its own value times out.grad. The local derivative of {t.sym} for {p} is "
        f"{local}, not {p}",
        [
            f"if {p} grows by 1, how much does {t.sym} grow? That is the local "
            f"derivative for {p} (section 2)",
            line,
        ],
    )


def _product_rule_for_a_sum(t: _Try):
    """The local derivative of * used for +: each input received the other's value."""
    taken = _inputs_where(t, lambda i: _close(i.got, i.other * UPSTREAM))
    if t.op != "+" or not taken:
        return None
    return (
        f"{_names(taken)} received the other input's value times out.grad. That is "
        "the local derivative of *, not of +. For a + b, both local derivatives are 1",
        [
            "if a grows by 1, how much does a + b grow? That is the local derivative for a",
            "self.grad += 1.0 * out.grad, and the same for other",
        ],
    )


def _sum_rule_for_a_product(t: _Try):
    """The local derivative of + used for *: each input received 1 times out.grad."""
    taken = _inputs_where(t, lambda i: _close(i.got, UPSTREAM))
    if t.op != "*" or not taken:
        return None
    return (
        f"{_names(taken)} received 1 times out.grad. 1 is the local derivative of +, not "
        "of *. For a · b, each input's local derivative is the other input's value",
        [
            "if a grows by 1, how much does a · b grow? That is the local derivative for a",
            "self.grad += other.data * out.grad and other.grad += self.data * out.grad",
        ],
    )


def _added_not_multiplied(t: _Try):
    """The local derivative plus out.grad, where the chain rule multiplies them."""
    added = _inputs_where(t, lambda i: _close(i.got, i.want / UPSTREAM + UPSTREAM))
    if not added:
        return None
    return (
        f"{_names(added)} received (local derivative) + out.grad. The chain rule "
        "multiplies the two: use * between them, not +",
        [
            "the share is (local derivative) times out.grad",
            "self.grad += (local derivative) * out.grad, and the same for other",
        ],
    )


def _an_estimate(t: _Try):
    """Every wrong gradient is within 0.1 % of the right one: an estimate, or a rounded number."""
    wrong = _inputs_where(t)
    if not all(_near(i.got, i.want) for i in wrong):
        return None
    got = " and ".join(f"{i.attr}.grad came out as {i.got!r}" for i in wrong)
    return (
        f"{got}: {AN_ESTIMATE}",
        [
            "the local derivatives of + and * are exact numbers: section 2 gives them",
            _LOCALS_OF_ADD_MUL,
        ],
    )


def _some_local_derivative_off(t: _Try):
    """What is said when no known mistake fits."""
    which = "a" if not _close(t.got[0], t.want[0]) else "b"
    step = getattr(getattr(t.out, "_backward", None), "__code__", None)
    made = getattr(
        getattr(t.Value, "__add__" if t.op == "+" else "__mul__", None), "__code__", None
    )
    inputs = set(made.co_varnames[: made.co_argcount]) if made else set()
    names = set(getattr(step, "co_names", ())) | (set(getattr(step, "co_freevars", ())) - inputs)
    # only a _backward that reads outer names a or b (not its own inputs) hears of them
    said = (
        ". Inside _backward the inputs are self and other; the notebook's own a and b are "
        "other nodes"
        if names & {"a", "b"}
        else ""
    )
    return (
        f"wrong local derivative of {t.op}: the gradient reaching {which} is wrong{said}",
        [
            f"work out d(out)/d({which}) for this operation on paper first",
            _LOCALS_OF_ADD_MUL,
        ],
    )


def _out_grad_changed(t: _Try):
    """``_backward`` changed ``out.grad`` itself (e.g. ``out.grad = 0.0`` "to reset it")."""
    now = getattr(t.out, "grad", None)
    if isinstance(now, (int, float)) and _close(now, UPSTREAM):
        return None
    return (
        f"out._backward() changed out.grad from {UPSTREAM} to {now!r}. The output's gradient "
        "must stay as it is: _backward only adds to its inputs' gradients (self.grad and "
        "other.grad). An inner node whose _backward resets out.grad would show grad 0 "
        "after backward()",
        [
            "delete the line that sets out.grad inside _backward",
            "_backward changes self.grad and other.grad, never out.grad",
        ],
    )


ADD_MUL_MISTAKES = [
    _out_grad_changed,
    _grad_where_out_grad_belongs,
    _grad_where_data_belongs,
    _both_unchanged,
    _sign_flipped,
    _out_data_for_out_grad,
    _a_value_as_out_grad,
    _out_data_as_local,
    _one_never_updated,
    _locals_alone,
    _one_local_alone,
    _factors_swapped,
    _one_own_value,
    _product_rule_for_a_sum,
    _sum_rule_for_a_product,
    _added_not_multiplied,
    _an_estimate,
]


def _one_operation(Value, op: str, x: float, y: float) -> bool:
    """``a + b`` or ``a * b`` at a = x, b = y: the value, the parents, the gradients."""
    name, sym = "+ and *", ("a + b" if op == "+" else "a · b")
    dunder, fn = ("__add__", "add") if op == "+" else ("__mul__", "mul")
    a, b = Value(x), Value(y)
    if getattr(Value, dunder, None) is None:  # without it, a + b is Python's TypeError
        return _wrong(
            name,
            f"Value has no {dunder}, so a {op} b cannot run: the function {fn} is "
            "not attached to the class",
            [
                "if your cell showed a Python error (such as IndentationError), none of it "
                "ran: fix that line first. Else keep the line "
                f"`Value.{dunder} = {fn}` under your functions, then run the cell again"
            ],
        )
    out = a + b if op == "+" else a * b
    if not _close(out.data, x + y if op == "+" else x * y, 1e-12):
        return _wrong(
            name,
            f"{sym} at a = {_num(x)}, b = {_num(y)} has data {out.data!r}: its value is wrong",
            [f"the data of {sym} is computed from self.data and other.data"],
        )
    parents = list(getattr(out, "_prev", ()))
    if len(parents) != 2 or {id(p) for p in parents} != {id(a), id(b)}:
        return _wrong(
            name,
            f"the parents (_prev) of {sym} should be a and b",
            ["pass (self, other) as the children when you make `out`"],
        )
    out.grad = UPSTREAM
    out._backward()
    t = _Try(Value, op, x, y, out, (a.grad, b.grad), _reference_grads(op, x, y, UPSTREAM))
    if not _inputs_where(t) and _out_grad_changed(t) is None:
        return True
    said = next(filter(None, (mistake(t) for mistake in ADD_MUL_MISTAKES)), None)
    bug, hints = said or _some_local_derivative_off(t)
    return _wrong(name, f"{t.where}: {bug}", hints)


def _used_twice(Value, op: str) -> bool:
    """``a + a`` or ``a * a``: a node used twice gets both of its shares."""
    sym, x = ("a + a" if op == "+" else "a · a"), 3.0
    a, ref = Value(x), Reference(x)
    out = a + a if op == "+" else a * a
    out.grad = 1.0
    out._backward()
    (ref + ref if op == "+" else ref * ref).backward()
    if _close(a.grad, ref.grad):
        return True
    bug = (
        f"{sym} at a = {_num(x)}: a is used twice, and a.grad kept only one of "
        "its two shares: the gradient is assigned with = (which replaces the old "
        "value) instead of added to with += (which keeps it)"
        if _close(a.grad, ref.grad / 2)
        else f"{sym} at a = {_num(x)}: a is used twice and a.grad is wrong"
    )
    return _wrong(
        "+ and *",
        bug,
        [
            "what happens to a.grad when self and other are the same node?",
            "use += in _backward: each use adds its share",
        ],
    )


def _earlier_share_kept(Value) -> bool:
    """A gradient that some other use of a node already left must be kept."""
    a, b = Value(2.0), Value(-1.0)
    a.grad = 0.25
    out = a * b
    out.grad = 1.0
    out._backward()
    if _close(a.grad, 0.25 - 1.0):
        return True
    return _wrong(
        "+ and *",
        "a.grad was 0.25 (a share from another use of a) before "
        "out._backward(), and that share was lost: the gradient is assigned with "
        "= (which replaces the old value) instead of added to with += (which keeps it)",
        [
            "a node may feed several operations; each adds its share",
            "use += in _backward, never =",
        ],
    )


_ONLY_AT_ZERO = (
    "A line like `other.grad += self.grad` only looks right while a.grad starts at 0",
    "A line like `self.grad += other.grad` only looks right while b.grad starts at 0",
)


def _own_share_only(Value, op: str) -> bool:
    """Each input gets its own share, whatever gradient the other input already holds:
    ``other.grad += self.grad`` in add looks right only while a.grad starts at 0."""
    sym, (g0, h0) = ("a + b" if op == "+" else "a · b"), STARTING_GRADS
    a, b = Value(2.0), Value(-3.0)
    a.grad, b.grad = g0, h0
    out = a + b if op == "+" else a * b
    out.grad = UPSTREAM
    out._backward()
    share_a, share_b = _reference_grads(op, 2.0, -3.0, UPSTREAM)
    wrong = [
        n
        for n, got, want in (("a", a.grad, g0 + share_a), ("b", b.grad, h0 + share_b))
        if not _close(got, want)
    ]
    if not wrong:
        return True
    return _wrong(
        "+ and *",
        f"{sym} at a = 2, b = -3 with out.grad = {UPSTREAM}, where a.grad was already {g0} "
        f"and b.grad {h0} (shares from other uses of a and b): {' and '.join(wrong)} got "
        "the wrong share. A share must not be computed from self.grad or other.grad: they "
        "hold all that a and b have collected so far, not the gradient of out. "
        + _ONLY_AT_ZERO[wrong == ["a"]],
        [
            "each input's share is (local derivative) * out.grad, and nothing else",
            "self.grad += 1.0 * out.grad and other.grad += 1.0 * out.grad"
            if op == "+"
            else "self.grad += other.data * out.grad and other.grad += self.data * out.grad",
        ],
    )


@exercise("2b.1", "+ and *", limited=True)
@_say_delete_the_raise
@_nodes_are_not_numbers(
    "+ and *",
    [
        "in _backward, compute with numbers: self.data and other.data are the values of the "
        "inputs, and out.grad is the gradient of out",
        "self.grad += (local derivative) * out.grad, where the local derivative is a number: "
        "1 for +, the other input's .data for *",
    ],
)
def check_add_mul(Value) -> bool:
    """``Value.__add__`` and ``Value.__mul__``: the value, the parents, and a ``_backward``
    that adds local derivative · out.grad to each parent's grad."""
    if not _is_class("+ and *", Value):
        return False
    ok = (
        all(_one_operation(Value, op, x, y) for op in "+*" for x, y in ADD_MUL_POINTS)
        and all(_used_twice(Value, op) for op in "+*")
        and _earlier_share_kept(Value)
        and all(_own_share_only(Value, op) for op in "+*")
    )
    if ok:
        print(
            f"{PASS} + and *: values, parents and local derivatives agree with helpers.autodiff "
            "and with nudging the inputs (notebook 02); a node used twice (a + a) gets both "
            "its shares"
        )
    return ok


# --------------------------------------------------------------------------------------
# 2b.2  tanh
# --------------------------------------------------------------------------------------

TANH_POINTS = [-2.0, -0.3, 0.0, 0.7, 1.5]
EARLIER = 0.125  # the input's grad before out._backward(): a share from another use, kept
TANH_UPSTREAM = 0.5  # out.grad during the check

# Local derivatives a learner may write, as functions of x and t = tanh(x), and what is wrong
# with each; tried in this order.
TANH_WRONG_LOCALS = [
    (
        lambda x, t: 1 - math.tanh(t) ** 2,
        "your local derivative is 1 − tanh(t)²: tanh is applied twice. t already "
        "holds tanh(x), so the slope is 1 − t²",
    ),
    (
        lambda x, t: 1 - t,
        "your local derivative is 1 − t: the slope of tanh is 1 − t², with t squared",
    ),
    (
        lambda x, t: 1 - x * x,
        "your code uses 1 − x² as the local derivative, with x the input (self.data). "
        "The slope of tanh is 1 − t², with t = tanh(x), the node's own value",
    ),
    (lambda x, t: t * t, "your local derivative has the right pieces in the wrong form"),
    (lambda x, t: -t * t, "your local derivative has the right pieces in the wrong form"),
    (lambda x, t: 1 + t * t, "your local derivative has the right pieces in the wrong form"),
    (lambda x, t: t, "your local derivative is tanh(x) itself, not its slope"),
    (
        lambda x, t: 2 * t,
        "your local derivative is 2t: that is the slope of t², not the slope of tanh",
    ),
]
TANH_HINTS = [
    "the slope of tanh is 1 at x = 0 (where t = 0) and near 0 far from 0 (where t is "
    "near 1 or -1): which formula in t does that?",
    "the slope of tanh at x is 1 - tanh(x)**2, and t already holds tanh(x)",
    "self.grad += (1 - t**2) * out.grad, with t = out.data",
]
BRACKETS_MISSING = (
    "brackets are missing. Python multiplies before it subtracts, so "
    "`1 - t**2 * out.grad` is 1 − (t² · out.grad): out.grad multiplies only one "
    "part of the local derivative 1 − t²",
    [
        "the whole local derivative must be multiplied by out.grad: put it in brackets",
        "self.grad += (1 - t**2) * out.grad",
    ],
)
# The share added to the input's grad, as a function of t, when out.grad is used wrongly.
TANH_WRONG_SHARES = [
    (
        lambda t: 1 - t * t,
        (
            "the local derivative 1 − t² is right, but it is not multiplied by out.grad",
            [
                "the chain rule: the share of x is (d out/d x) times (d L/d out). The second "
                "factor, d L/d out, is stored in out.grad",
                "self.grad += (1 - t**2) * out.grad",
            ],
        ),
    ),
    (lambda t: 1 - t * t * TANH_UPSTREAM, BRACKETS_MISSING),
    (lambda t: TANH_UPSTREAM - t * t, BRACKETS_MISSING),
]


def _tanh_slope(x: float) -> float:
    """d tanh/dx at x by helpers.autodiff, confirmed by a central difference."""
    ref = Reference(x)
    ref.tanh().backward()
    assert _close(ref.grad, central_difference(math.tanh, x, 1e-6), 1e-6)
    return ref.grad


def _tanh_bug(x: float, got: float, out):
    """What is wrong (said after "where: ") and the hints, for the input's grad ``got``."""
    t, slope = math.tanh(x), _tanh_slope(x)
    if _close(got, EARLIER):  # the input's grad is as it was: no share reached it
        changed = "" if _close(out.grad, TANH_UPSTREAM) else " It changed out.grad instead."
        return (
            "out._backward() never updated the input's gradient, self.grad."
            f"{changed} The gradient flows back, from out to its input self",
            [
                "in _backward, out.grad is what you read; self.grad is what you add to",
                "self.grad += (1 - t**2) * out.grad, with t = out.data",
            ],
        )
    if _close(got, slope * TANH_UPSTREAM):
        return (
            "the input's earlier share of its gradient was lost: the gradient is assigned "
            "with = (which replaces the old value) instead of added to with += (which keeps it)",
            ["use += in _backward"],
        )
    share = got - EARLIER
    local = share / TANH_UPSTREAM
    bug = next((bug for wrong, bug in TANH_WRONG_LOCALS if _close(local, wrong(x, t))), None)
    if bug:
        return bug, TANH_HINTS
    said = next((said for wrong, said in TANH_WRONG_SHARES if _close(share, wrong(t))), None)
    return (
        said
        or _tanh_estimate(x, got, local)
        or ("the local derivative of tanh is wrong", TANH_HINTS)
    )


def _tanh_estimate(x: float, got: float, local: float):
    """The bug and hints for a local derivative within 0.1 % of the slope: an estimate."""
    if not _near(local, _tanh_slope(x)):
        return None
    return f"self.grad came out as {got!r}: {AN_ESTIMATE} 1 − t²", TANH_HINTS


def _tanh_at(Value, x: float) -> bool:
    """tanh at x: the value, the one parent, and the share passed back to the input."""
    name = "tanh"
    v = Value(x)
    out = v.tanh()
    if not _close(out.data, math.tanh(x), 1e-12):
        return _wrong(
            name,
            f"tanh at x = {_num(x)} has data {out.data!r}: the value is wrong",
            ["math.tanh(self.data), or (e^{2x} − 1)/(e^{2x} + 1)"],
        )
    parents = list(getattr(out, "_prev", ()))
    if len(parents) != 1 or parents[0] is not v:
        return _wrong(
            name,
            f"tanh should make ONE node whose only parent is the input; "
            f"its parents are {len(parents)} node(s)",
            ["make out = Value(t, (self,), 'tanh')"],
        )
    v.grad = EARLIER
    out.grad = TANH_UPSTREAM
    out._backward()
    if _close(v.grad, EARLIER + _tanh_slope(x) * TANH_UPSTREAM):
        return True
    bug, hints = _tanh_bug(x, v.grad, out)
    where = f"tanh at x = {_num(x)} (with out.grad = {_num(TANH_UPSTREAM)})"
    return _wrong(name, f"{where}: {bug}", hints)


@exercise("2b.2", "tanh", limited=True)
@_say_delete_the_raise
@_nodes_are_not_numbers(
    "tanh",
    [
        "in _backward, compute with numbers: t is a number already, out.grad is the "
        "gradient of out",
        "self.grad += (1 - t**2) * out.grad, with t = out.data",
    ],
)
def check_tanh(Value) -> bool:
    """``Value.tanh``: one new node, value tanh(x), local derivative 1 − tanh²(x)."""
    return _is_class("tanh", Value) and at_every_point(
        TANH_POINTS,
        lambda x: _tanh_at(Value, x),
        "tanh: value and local derivative agree with helpers.autodiff and with "
        f"nudging the input (notebook 02) at {len(TANH_POINTS)} points",
    )


# --------------------------------------------------------------------------------------
# 2b.4  the topological order
# --------------------------------------------------------------------------------------


class _Node:
    """A graph node with a name and parents only: all a topological sort looks at."""

    def __init__(self, label, parents=()):
        self.label = label
        self._prev = tuple(parents)

    def __repr__(self):
        return self.label


def _random_graph(seed: int, n: int = 9) -> _Node:
    """A graph of n nodes in which each node after the first two has one to three parents
    among the nodes made before it (drawn with a seeded generator), and the last node is the
    root: paths of many different lengths lead from one node to another."""
    rng = random.Random(seed)
    nodes = [_Node("n0"), _Node("n1")]
    for i in range(2, n - 1):
        k = rng.randint(1, min(3, len(nodes)))
        nodes.append(_Node(f"n{i}", rng.sample(nodes, k)))
    # the root uses every node that nothing uses yet, so the graph is one piece
    used = {id(p) for v in nodes for p in v._prev}
    return _Node(f"n{n - 1}", [v for v in nodes if id(v) not in used])


def _graphs():
    """Graphs where a wrong order shows: a chain; a diamond (one node feeds two, which meet
    again); a node used twice; diamonds with one long arm (a node reached along paths of
    different lengths, where ordering nodes by their distance from the root goes wrong), with
    either arm listed first; and seeded random graphs."""
    x = _Node("x")
    y = _Node("y", (x,))
    z = _Node("z", (y,))
    a = _Node("a")
    b, c = _Node("b", (a,)), _Node("c", (a,))
    d = _Node("d", (b, c))
    e = _Node("e")
    f = _Node("f", (e, e))
    g = _Node("g", (f, d))
    graphs = [
        ("a chain x → y → z", z),
        ("a diamond (a → b and a → c, then b and c → d)", d),
        (
            "a graph with a node used twice (f = e + e) and a diamond (a → b → d and a → c → d), "
            "joined by g = f + d",
            g,
        ),
    ]
    for parents in ("long arm first", "short arm first"):
        a = _Node("a")
        b = _Node("b", (a,))
        c = _Node("c", (b,))
        d = _Node("d", (c, a) if parents == "long arm first" else (a, c))
        graphs.append((f"a diamond with one long arm a → b → c → d and a → d ({parents})", d))
    graphs += [(f"a random graph of 9 nodes (number {s})", _random_graph(s)) for s in (1, 2, 3)]
    return graphs


def _reversed_breadth_first(root) -> list:
    """The nodes by their distance from root, farthest first: a plausible wrong order."""
    found, i = [root], 0
    while i < len(found):
        for p in found[i]._prev:
            if not any(p is f for f in found):
                found.append(p)
        i += 1
    return found[::-1]


def _the_order_is_wrong(what, root, got, names) -> bool:
    """Every node after all of its parents: the property itself, checked at every node."""
    pos = {id(n): i for i, n in enumerate(got)}
    late = next(((n, p) for n in got for p in n._prev if pos[id(p)] > pos[id(n)]), None)
    if late is None:
        return False
    n, p = late
    if got[0] is root:
        bug = (
            f"the root {root.label} comes first, so node {n.label} comes before its parent "
            f"{p.label}: the root belongs at the end, after every node it is computed from"
        )
    elif len(got) == len(_reversed_breadth_first(root)) and all(
        u is v for u, v in zip(got, _reversed_breadth_first(root))
    ):
        bug = (
            f"node {n.label} comes before its parent {p.label}: the nodes are sorted by their "
            "distance from the root, but a node reached along a short and a long path must "
            "come before every node on the long one"
        )
    else:
        bug = f"node {n.label} comes before its parent {p.label}"
    _wrong(
        "topological order",
        f"on {what}, {bug} (got {names})",
        [
            "a node may join the list only once all of its parents are in it",
            "check every parent: if v is not placed yet and every p in v._prev is placed, place v",
        ],
    )
    return True


class _Placed(set):
    """A set of placed nodes that notes what ``in`` asked it about."""

    def __init__(self, items=()):
        super().__init__(items)
        self.asked = []

    def __contains__(self, item):
        self.asked.append(item)
        return super().__contains__(item)


#: Errors a ``may_join`` may raise, in plain words: (kind, words of Python's message, bug, hints).
MAY_JOIN_ERRORS = [
    (
        TypeError,
        "'bool' object is not iterable",
        "may_join(v, placed) raised TypeError: 'bool' object is not iterable. A bool is one "
        "True or False, and all(...) got just one, as in all(v._prev in placed). all(...) "
        "needs one answer per parent: inside its brackets, a test of one parent p, then "
        "`for p in v._prev`",
        [
            "inside all(...), write the test for one parent p, then the loop: for p in v._prev",
            "return v not in placed and all(p in placed for p in v._prev)",
        ],
    ),
]


def _may_join_error_named(err: BaseException) -> bool:
    """True (after one ✗ line) when ``err``, raised by ``may_join``, is in MAY_JOIN_ERRORS."""
    said = next(
        (
            (bug, hints)
            for kind, words, bug, hints in MAY_JOIN_ERRORS
            if isinstance(err, kind) and words in str(err)
        ),
        None,
    )
    if said:
        _wrong("topological order", *said)
    return said is not None


#: What a ``may_join`` may ask ``placed`` about in place of one node: (the kinds of thing
#: asked, the bug in words, with {who} for the node that then never joins, the hints).
#: ``placed`` holds single nodes, so the answer is always False.
PLACED_ASKED_ABOUT = [
    (
        (tuple, list, set, frozenset),
        "may_join(v, placed) asks whether v._prev, the tuple of ALL of v's parents, is in "
        "placed. placed holds single nodes, never a tuple, so the answer is always False: "
        "{who} never joins, and the rounds never end",
        [
            "ask about each parent p on its own: is p in placed? Then combine the answers "
            "with all(...)",
            "all(p in placed for p in v._prev) is True when every parent is placed",
        ],
    ),
    (
        (bool,),
        "may_join(v, placed) asks whether True or False is in placed, as in "
        "all(v._prev) in placed. all(v._prev) gives one True or False for the whole tuple "
        "of parents; placed holds nodes, never True or False, so the answer is always False: "
        "{who} never joins, and the rounds never end",
        [
            "the brackets are in the wrong place: put the whole test for one parent p inside "
            "all(...), with its loop: all(p in placed for p in v._prev)",
            "return v not in placed and all(p in placed for p in v._prev)",
        ],
    ),
]


def _may_join_asks_about_all_parents_at_once(may_join, x, y) -> bool:
    """True (after one ✗ line) for a ``may_join`` that asks ``placed`` about something that is
    not one node (PLACED_ASKED_ABOUT): ``v._prev``, the tuple of all parents, or the one bool
    of ``all(v._prev)``. The answer is always False (a leaf too then never joins)."""
    for v, placed in ((x, _Placed()), (y, _Placed({x}))):
        try:
            may_join(v, placed)
        except TypeError as err:  # e.g. unhashable parents: the checks that follow say more
            if _may_join_error_named(err):
                return True
            continue
        said = next(
            (
                (bug, hints)
                for kinds, bug, hints in PLACED_ASKED_ABOUT
                if any(isinstance(item, kinds) for item in placed.asked)
            ),
            None,
        )
        if said:
            who = (
                "even a leaf (a node without parents)"
                if v is x
                else "a node whose parents are all placed"
            )
            _wrong("topological order", said[0].format(who=who), said[1])
            return True
    return False


def _has_a_loop(fn) -> bool:
    """True when the code of ``fn`` itself has a ``for`` loop."""
    try:
        return any(i.opname == "FOR_ITER" for i in dis.get_instructions(fn))
    except TypeError:
        return False


def _may_join_gave_none(may_join, others_answered: bool) -> None:
    """One ✗ line for a ``may_join`` that gives None for a leaf: a ``return`` inside a loop
    over the parents (the loop never runs for a leaf), or no ``return`` at all."""
    looped = others_answered and _has_a_loop(may_join)
    if looped:
        ends = (
            "Your loop over v._prev does not run even once for a leaf, so a `return` inside "
            "it is never reached"
        )
        hints = [
            "a `return True` inside the loop runs after the first parent only. Put it after "
            "the loop, not inside it: then it runs once no parent was missing",
            "or test every parent at once: "
            "return v not in placed and all(p in placed for p in v._prev)",
        ]
    else:
        ends = "For a leaf, your function reaches its end without a `return`"
        hints = [
            "may_join must give back True or False for every node: write `return` in front "
            "of your test",
            "return v not in placed and all(p in placed for p in v._prev)",
        ]
    _wrong(
        "topological order",
        "may_join(v, placed) gave None for a leaf v (a node without parents), while nothing "
        f"is placed. {ends}. A function that ends without a `return` gives None, which counts "
        "as False. As written, no leaf can join, and the rounds never end",
        hints,
    )


def _may_join_gave_a_generator() -> None:
    """One ✗ line for ``v not in placed and (p in placed for p in v._prev)``: the brackets
    without ``all`` make a generator, a thing that Python counts as True whatever is in it."""
    _wrong(
        "topological order",
        "may_join(v, placed) gave back `(p in placed for p in v._prev)` itself, not True or "
        "False. Round brackets around `... for p in ...` make a generator, which Python always "
        "counts as True, so every node that is not placed yet joins at once, parents or not",
        [
            "put all in front of the brackets: all(...) asks the question for every parent p",
            "return v not in placed and all(p in placed for p in v._prev)",
        ],
    )


def _may_join_never_true(may_join) -> bool:
    """True (after one ✗ line) for a ``may_join`` that refuses a leaf while nothing is placed,
    or a node whose parents are all placed: it lets no node join, and the rounds would never
    end. Tried before the rounds run."""
    name = "topological order"
    x = _Node("x")
    y = _Node("y", (x,))
    if _may_join_asks_about_all_parents_at_once(may_join, x, y):
        return True
    leaf_answer = may_join(x, set())
    if isinstance(leaf_answer, types.GeneratorType):
        _may_join_gave_a_generator()
        return True
    if leaf_answer is None:
        _may_join_gave_none(may_join, may_join(y, {x}) is not None)
        return True
    if not leaf_answer:
        _leaf_never_joins(may_join, name)
        return True
    if not may_join(y, {x}):
        _child_never_joins(may_join, y, name)
        return True
    return False


def _leaf_never_joins(may_join, name: str) -> None:
    """The ✗ line for a ``may_join`` that is False for a leaf while nothing is placed. The
    first hint speaks of the learner's own form: a loop over the parents, or ``all``/``any``."""
    first = (
        "a leaf has no parents: v._prev is empty, so your loop over v._prev does not run even "
        "once. What your function returns after the loop is its answer for a leaf"
        if _has_a_loop(may_join)
        else "a leaf has no parents: v._prev is empty. all(...) over an empty list is True; "
        "any(...) is False"
    )
    _wrong(
        name,
        "may_join(v, placed) is False for a leaf v (a node without parents) while nothing "
        "is placed. A leaf may join at once. As written, no node can ever join, and "
        "the rounds never end",
        [first, "ask about each parent p: is p in placed? all(p in placed for p in v._prev)"],
    )


def _child_never_joins(may_join, y, name: str) -> None:
    """The ✗ line for a ``may_join`` that is False for ``y`` although its only parent is
    placed: the test the wrong way round, or a test that never says yes."""
    if may_join(y, set()):
        _wrong(
            name,
            "may_join(v, placed) is True for a node v whose only parent is NOT placed "
            "yet, and False once that parent is placed: the test is the wrong way round. "
            "As written, a node can never join after its parents",
            [
                "`p not in placed` is True when p is missing; v may join when every "
                "parent p is in placed",
                "all(p in placed for p in v._prev) is True when every parent is placed",
            ],
        )
        return
    _wrong(
        name,
        "may_join(v, placed) is False for a node v whose only parent is placed already. "
        "Such a node may join. As written, it never can, and the rounds never end",
        [
            "v._prev is a tuple of parents; ask about each parent p separately",
            "all(p in placed for p in v._prev) is True when every parent is placed",
        ],
    )


def _returned_a_list(what: str, got):
    """``got`` as a list, or None after one ✗ line (None, or not a list)."""
    if got is None:
        _wrong(
            "topological order",
            f"on {what}, it returned None: is a `return` missing?",
            ["return the list you built"],
        )
        return None
    try:
        return list(got)
    except TypeError:
        _wrong(
            "topological order",
            f"on {what}, it returned {type(got).__name__}, not a list",
            ["return a list of nodes"],
        )
        return None


# The usual bugs of a topological order, tried in this order before the order itself is
# checked. Each takes the list returned for ``root`` and returns None, or the bug in words
# (said after "on <graph>, ") and the hints.


def _not_nodes(root, got):
    if all(isinstance(n, _Node) for n in got):
        return None
    return "the list holds things that are not nodes", [
        "append the nodes themselves (v), not their data"
    ]


def _listed_twice(root, got):
    seen = [n for i, n in enumerate(got) if any(m is n for m in got[:i])]
    if not seen:
        return None
    names = [getattr(n, "label", "?") for n in got]
    return (
        f"node {seen[0].label} appears more than once (got {names})",
        [
            "each node belongs in the list once. Each round goes over all the nodes again, "
            "also those placed in an earlier round: what must may_join answer for them?",
            "before you place a node, check that it is not placed already (v not in placed)",
        ],
    )


def _nodes_missing(root, got):
    missing = [n.label for n in reference_order(root) if not any(m is n for m in got)]
    if not missing:
        return None
    names = [getattr(n, "label", "?") for n in got]
    return (
        f"nodes {missing} are missing (got {names})",
        [
            "every node the root depends on belongs in the list",
            "repeat your round over the nodes until every node is placed",
        ],
    )


ORDER_MISTAKES = [_not_nodes, _listed_twice, _nodes_missing]


def _order_on(topological_order, what: str, root) -> bool:
    """One graph of check_topological_order: True if right, else one ✗ line naming the bug."""
    got = _returned_a_list(what, topological_order(root))
    if got is None:
        return False
    said = next(filter(None, (mistake(root, got) for mistake in ORDER_MISTAKES)), None)
    if said:
        return _wrong("topological order", f"on {what}, {said[0]}", said[1])
    names = [getattr(n, "label", "?") for n in got]
    return not _the_order_is_wrong(what, root, got, names)


@exercise("2b.4", "topological order", limited=True)
@_say_delete_the_raise
def check_topological_order(topological_order, may_join=None) -> bool:
    """``topological_order(root)``: a list of every node of root's graph, each once, each after
    all of its parents (so root comes last). ``may_join``, if given, is tried first on a leaf
    and on a node whose parents are placed: one that is never True would loop forever."""
    name = "topological order"
    if not callable(topological_order):
        print(f"{FAIL} {name}: expected a function, got {type(topological_order).__name__}")
        return False
    if may_join is not None and _may_join_never_true(may_join):
        return False
    if not all(_order_on(topological_order, what, root) for what, root in _graphs()):
        return False
    print(
        f"{PASS} {name}: every node once, each after all of its parents, on a chain, "
        "two kinds of diamond, a node used twice and random graphs"
    )
    return True


# --------------------------------------------------------------------------------------
# 2b.3  backward()
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Watch:
    """What the learner's ``backward`` did to the nodes of one graph, by their labels."""

    resets: list = dataclasses.field(default_factory=list)  # a non-zero grad set back to 0
    ones: list = dataclasses.field(default_factory=list)  # a grad set to 1, the output's aside
    restarts: list = dataclasses.field(default_factory=list)  # backward() called on, but d


def _watched(Value, watch: _Watch):
    """A subclass of the learner's ``Value`` that notes in ``watch`` what is done to its
    nodes (each known by its label, the ``_op`` given to it; the output is "d")."""
    try:

        class Watched(Value):
            @property
            def grad(self):
                return self.__dict__.get("_watched_grad", 0.0)

            @grad.setter
            def grad(self, g):
                label = self.__dict__.get("_watched_label", "?")
                if g == 0 and self.__dict__.get("_watched_grad", 0.0) != 0:
                    watch.resets.append(label)
                if g == 1 and label not in ("d", "?"):
                    watch.ones.append(label)
                self.__dict__["_watched_grad"] = g

            def backward(self, *args, **kwargs):
                if self.__dict__.get("_watched_label", "?") not in ("d", "?"):
                    watch.restarts.append(self.__dict__["_watched_label"])
                return Value.backward(self, *args, **kwargs)

    except TypeError:  # a class that cannot be subclassed: no watching
        return Value
    return Watched


def _graph(Value, log, long_arm=False, watch=None):
    """The diamond x → a = 3x → b = tanh(a), c = a·a → d = b·c, or (``long_arm``) the diamond
    with one long arm x → a = 3x → b = tanh(a) → c = tanh(b) → d = c·a, where a is reached
    from d along paths of two lengths. Built with the learner's constructor and correct
    ``_backward`` closures of our own (so only ``backward`` itself is tested).

    Returns the output, the other nodes by name, and who uses each node."""

    if watch is not None:
        Value = _watched(Value, watch)

    def node(data, parents, locals_, label):
        out = Value(data, tuple(parents), label)
        out.__dict__["_watched_label"] = label

        def _backward():
            log.append(label)
            for p, local in zip(parents, locals_):
                p.grad += local * out.grad

        out._backward = _backward
        return out

    x = Value(0.4, (), "x")
    x.__dict__["_watched_label"] = "x"
    a = node(3 * 0.4, (x,), (3.0,), "a")
    t = math.tanh(a.data)
    b = node(t, (a,), (1 - t * t,), "b")
    if long_arm:
        u = math.tanh(b.data)
        c = node(u, (b,), (1 - u * u,), "c")
        d = node(c.data * a.data, (c, a), (a.data, c.data), "d")
        users = {"x": ["a"], "a": ["b", "d"], "b": ["c"], "c": ["d"], "d": []}
    else:
        c = node(a.data * a.data, (a, a), (a.data, a.data), "c")
        d = node(b.data * c.data, (b, c), (c.data, b.data), "d")
        users = {"x": ["a"], "a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}
    return d, {"x": x, "a": a, "b": b, "c": c}, users


def _graph_reference(long_arm=False):
    x = Reference(0.4)
    a = x * 3.0
    b = a.tanh()
    c = b.tanh() if long_arm else a * a
    d = c * a if long_arm else b * c
    d.backward()
    return {"x": x.grad, "a": a.grad, "b": b.grad, "c": c.grad}


GRAPHS_FOR_BACKWARD = [
    (False, "section 3's diamond (x → a, a → b and a → c, then b and c → d)"),
    (True, "a diamond with one long arm (x → a → b → c → d and a → d)"),
]


@exercise("2b.3", "backward", own=("backward", "_backward"), limited=True)
@_say_delete_the_raise(own=("backward", "_backward"))
def check_backward(Value) -> bool:
    """``Value.backward``: set the output's grad to 1, then call every node's ``_backward``
    once, in reverse topological order (each node after all the nodes that use it)."""
    if not _is_class("backward", Value):
        return False
    if _order_fails_its_check(Value):
        return False
    for long_arm, what in GRAPHS_FOR_BACKWARD:
        if not _backward_on(Value, long_arm, what):
            return False
    d, _, _ = _graph(Value, [])
    d.backward()
    d.backward()
    if not _close(d.grad, 1.0):
        return _wrong(
            "backward",
            f"right gradients after one call, but after a second d.backward() on the "
            f"same graph the output's grad is {d.grad!r}, not 1. `self.grad += 1.0` "
            "adds 1 to what is already there. dL/dL is always exactly 1, so set it with =. "
            "(The other gradients do add up over two calls, since _backward uses +=.)",
            [
                "the output's grad is set, not added to: use = here",
                "self.grad = 1.0 before the loop",
            ],
        )
    print(
        f"{PASS} backward: the gradients agree with helpers.autodiff on section 3's diamond "
        "and on a second graph (x → a → b → c → d and a → d); each node's _backward ran "
        "once, after every node that uses it. The check built both graphs with its own +, * "
        "and tanh, so this tests only your backward(), not your 2b.1"
    )
    return True


def _backward_attached(Value) -> bool:
    """True if ``Value`` has a method ``backward``; else one ✗ line that says how to attach it."""
    if getattr(Value, "backward", None) is not None:
        return True
    return _wrong(
        "backward",
        "Value has no backward, so d.backward() cannot run: the function backward is not "
        "attached to the class",
        [
            "if your cell showed a Python error (such as IndentationError), none of it ran: "
            "fix that line first. Else keep the line `Value.backward = backward` under your "
            "function, then run the cell again"
        ],
    )


def _order_fails_its_check(Value) -> bool:
    """True (after one ✗ line) if the lesson's ``topological_order`` and ``may_join`` of
    exercise 2b.4, found where the learner's ``backward`` was written, fail the check of 2b.4:
    then a wrong gradient, or a walk that never ends, is 2b.4's bug, not ``backward``'s."""
    backward = getattr(Value, "backward", None)
    names = getattr(backward, "__globals__", {})
    order, may_join = names.get("topological_order"), names.get("may_join")
    code = getattr(backward, "__code__", None)
    if not (callable(order) and callable(may_join) and code is not None):
        return False
    if "topological_order" not in code.co_names:
        return False
    said = io.StringIO()
    try:
        with contextlib.redirect_stdout(said):
            passes = inspect.unwrap(check_topological_order)(order, may_join)
    except Exception:  # noqa: BLE001 - e.g. may_join not done yet: backward's run says so
        return False
    if passes:
        return False
    bug = next(
        (line.split(": ", 1)[-1] for line in said.getvalue().splitlines() if FAIL in line),
        "it does not pass its check",
    )
    bug = bug if bug.endswith(("?", ".")) else bug + "."  # "is a `return` missing?" stays
    _wrong(
        "backward",
        "your topological_order of exercise 2b.4 is not right yet, so backward cannot be "
        f"tested with it. The check of 2b.4 says: {bug} Fix exercise 2b.4 "
        "first; your backward may well be right",
        [
            "run the check cell of exercise 2b.4 and fix what it names, then run this check again",
        ],
    )
    return True


def _backward_error_named(Value, d, err: BaseException) -> bool:
    """True (after one ✗ line) if ``err``, raised by the learner's ``d.backward()``, comes
    from a known slip; False for any other error (raised again by the caller)."""
    text = str(err)
    typed = isinstance(err, TypeError)
    if isinstance(err, NameError):
        _a_name_for_the_list(err)
    elif isinstance(err, AttributeError) and re.search(
        r"^'(str|int|float|tuple|list|NoneType)' object has no attribute '_backward'", text
    ):
        _not_nodes_in_the_loop(err)
    elif isinstance(err, RecursionError) and _calls_itself(err, Value):
        _wrong(
            "backward",
            "in the loop, `v.backward()` starts a whole new backward pass from v. That "
            "pass starts another one, and so on without end, until Python gives up with "
            "a RecursionError (too many calls waiting inside each other). One node's own "
            "step is `v._backward()`, with the underscore",
            [
                "v.backward() is the whole pass; v._backward() passes v's gradient to v's parents",
                "for v in reversed(topological_order(self)): v._backward()",
            ],
        )
    elif typed and "NoneType" in text and _order_returns_none(Value, d):
        _wrong(
            "backward",
            "topological_order returned None: is a `return` missing at its end?",
            ["topological_order must end with `return order`"],
        )
    elif typed and "'function' object is not" in text:
        _a_function_for_its_list(err)
    elif typed and "NoneType" in text and _calls_reverse(Value, err):
        _wrong(
            "backward",
            "the loop got None, not a list (`NoneType` is the type of None). "
            "`.reverse()` turns a list around where it is and gives back None, so "
            "`topological_order(self).reverse()` is None, and a loop cannot walk over None. "
            f"reversed(...) gives the items back in reverse order. (Python said: "
            f"TypeError: {err})",
            [
                "use reversed(...), which gives back the reversed nodes",
                "for v in reversed(topological_order(self)): v._backward()",
            ],
        )
    else:
        return False
    return True


@dataclasses.dataclass
class _Walk:
    """What one run of the learner's ``backward`` did on one graph of check_backward."""

    what: str  # the graph, in words
    d: object  # its output
    log: list  # the nodes whose _backward ran, in that order (by name)
    watch: _Watch  # what was done to the nodes on the way
    users: dict  # who uses each node
    got: dict  # the gradients, by name
    want: dict  # the same by helpers.autodiff

    def all_zero(self) -> bool:
        return all(g == 0 for g in self.got.values())


INNER = ["d", "c", "b", "a"]  # the nodes whose _backward passes a gradient on


# The usual bugs of a backward(), tried in this order. Each takes a _Walk and returns None,
# or the bug in words and the hints.


def _seen_by_the_watch(kind: str, message: str, hints: list[str]):
    """A mistake the walk's watch records: ``kind`` names its list of the nodes where it
    happened; ``message`` is filled in with the graph (``{what}``) and the first such node."""

    def mistake(w: _Walk):
        nodes = getattr(w.watch, kind)
        return (message.format(what=w.what, node=nodes[0]), hints) if nodes else None

    return mistake


_backward_again = _seen_by_the_watch(
    "restarts",
    "on {what}, your backward() called backward() again, on node {node}. `v.backward()` is a "
    "whole new backward pass from v: it sets v.grad to 1 and loses the shares v had received. "
    "One node's own step is `v._backward()`, with the underscore",
    [
        "v.backward() is the whole pass; v._backward() passes v's gradient to v's parents",
        "for v in reversed(topological_order(self)): v._backward()",
    ],
)
_reset_in_the_loop = _seen_by_the_watch(
    "resets",
    "on {what}, a gradient was reset to 0 during the walk (node {node} had received a share of "
    "its gradient and lost it). A reset inside the loop wipes out the shares that have already "
    "arrived: reset the gradients, if at all, before the loop",
    [
        "which lines of backward() run once, and which run for every node?",
        "self.grad = 1.0 once, then only v._backward() inside the loop",
    ],
)
_set_to_one = _seen_by_the_watch(
    "ones",
    "on {what}, the grad of node {node} was set to 1 during the walk. Only the output's grad "
    "is 1 (dL/dL = 1). Every other node's grad is the sum of the shares that the nodes using "
    "it pass back, so the loop must not set it",
    [
        "which node's gradient is 1 for sure?",
        "self.grad = 1.0 once, before the loop; inside the loop only v._backward()",
    ],
)


def _never_seeded(w: _Walk):
    if _close(w.d.grad, 1.0) or not w.all_zero():
        return None
    return (
        f"every gradient stayed 0: the output's grad was never set to 1 (d.grad is {w.d.grad!r})",
        [
            "what is dL/dL? Every gradient is a multiple of it",
            "self.grad = 1.0 before walking the graph",
        ],
    )


def _never_called(w: _Walk):
    if w.log or not w.all_zero():
        return None
    return (
        "every gradient stayed 0 and no node's _backward ran. `v._backward` without () "
        "only names the function; it does not call it. Add (): v._backward()",
        [
            "a function runs only when it is called: v._backward()",
            "for v in reversed(topological_order(self)): v._backward()",
        ],
    )


def _only_the_parents(w: _Walk):
    parents = {k for k, users in w.users.items() if "d" in users}
    ran = set(w.log)
    if not ran & parents or not ran <= parents | {"d"} or ran >= set(INNER):
        return None
    skipped = (
        ""
        if "d" in ran
        else " The output's own _backward never ran either, so no node got a gradient."
    )
    return (
        f"on {w.what}, only the _backward of {sorted(ran)} ran. `self._prev` holds only "
        "the output's own parents, not every node of the graph, so the walk never reached "
        f"{sorted(set(INNER) - ran - {'d'})}.{skipped} topological_order(self) lists every node",
        [
            "the loop must visit every node of the graph, not only the output's parents",
            "for v in reversed(topological_order(self)): v._backward()",
        ],
    )


def _seeded_late(w: _Walk):
    if not w.all_zero() or "d" not in w.log:
        return None
    return (
        "every gradient stayed 0 although the output's grad is 1 now: "
        "it was set after the walk through the graph, not before",
        [
            "when a node's _backward runs, its own grad must already be known",
            "self.grad = 1.0 first, then the loop",
        ],
    )


def _only_the_output(w: _Walk):
    if len(w.log) <= 1 or set(w.log) != {"d"}:
        return None
    return (
        f"on {w.what}, only the output's _backward ran, {len(w.log)} times: the loop calls "
        "self._backward() on every pass. self is the output; each node v of the loop "
        "must run its own v._backward()",
        [
            "in `for v in ...:`, the node of this pass is v, not self",
            "for v in reversed(topological_order(self)): v._backward()",
        ],
    )


def _a_node_twice(w: _Walk):
    twice = sorted({k for k in w.log if w.log.count(k) > 1})
    if not twice:
        return None
    return (
        f"on {w.what}, the _backward of node {twice[0]} ran {w.log.count(twice[0])} "
        "times, so it passed its gradient on more than once: a node reached "
        "along two paths must be visited once",
        [
            "visit the nodes in a topological order, each once",
            "for v in reversed(topological_order(self)): v._backward()",
        ],
    )


def _why_it_stopped(backward) -> str:
    """Why a ``backward`` left nodes out, as far as its source tells: a ``return`` inside its
    loop, or no loop at all (only ``self._backward()``); "" when the source does not say."""
    read = learner_source(backward)
    if read is None:
        return ""
    tree = read[1]
    loops = [n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.While))]
    if not loops:
        return (
            " (your backward() has no loop: one call of _backward passes on only one "
            "node's gradient)"
        )
    if any(isinstance(n, ast.Return) for loop in loops for n in ast.walk(loop)):
        return " (a `return` inside the loop ends it at once)"
    return ""


def _stopped_early(w: _Walk):
    ran = {k for k in w.log if k in INNER}
    if ran == set(INNER):
        return None
    learners = next(  # past the check's own watching subclass, to the learner's method
        (
            k.__dict__["backward"]
            for k in type(w.d).__mro__
            if k.__module__ != __name__ and "backward" in k.__dict__
        ),
        None,
    )
    why = _why_it_stopped(learners)
    return (
        f"on {w.what}, the _backward of nodes {sorted(set(INNER) - ran)} never "
        f"ran: the backward pass stopped early{why}",
        [
            "every node of the graph must pass its gradient on",
            "for v in reversed(topological_order(self)): v._backward()",
        ],
    )


def _a_node_too_early(w: _Walk):
    ran = [k for k in w.log if k in INNER]
    pos = {k: ran.index(k) for k in ran}
    early = next(
        ((k, u) for k in ran for u in w.users[k] if u in pos and pos[u] > pos[k]),
        None,
    )
    if not early:
        return None
    k, u = early
    return (
        f"on {w.what}, the nodes passed their gradients on in the order {ran}. Node {k} "
        f"is used by {' and '.join(w.users[k])}, but {k} passed its gradient on before {u} "
        f"had passed its share back to {k}. So the gradient of {k} was not complete yet. "
        "Cause: a missing or wrong topological order, or one walked from the wrong end",
        [
            "a node may pass its gradient on only once every node using it has: walk the "
            "list from the end, the output first",
            "walk the topological order backwards: reversed(topological_order(self))",
        ],
    )


def _output_grad_not_one(w: _Walk):
    if _close(w.d.grad, 1.0):
        return None
    return (
        f"the output's grad is {w.d.grad!r} after backward(): dL/dL is 1",
        ["set self.grad = 1.0 (once, before the loop)"],
    )


BACKWARD_MISTAKES = [
    _backward_again,
    _reset_in_the_loop,
    _set_to_one,
    _never_seeded,
    _never_called,
    _only_the_parents,
    _seeded_late,
    _only_the_output,
    _a_node_twice,
    _stopped_early,
    _a_node_too_early,
    _output_grad_not_one,
]


def _gradients_disagree(w: _Walk):
    """What is said when no known mistake fits."""
    wrong = [k for k in w.want if not _close(w.got[k], w.want[k])]
    return (
        f"on {w.what} the gradients of {wrong} disagree with helpers.autodiff",
        ["set self.grad = 1.0, then call _backward on each node, outputs first"],
    )


def _backward_on(Value, long_arm: bool, what: str) -> bool:
    """One graph of check_backward: True if right, else one ✗ line naming the bug."""
    log: list[str] = []
    watch = _Watch()
    d, nodes, users = _graph(Value, log, long_arm, watch)
    if not _backward_attached(Value):
        return False
    try:
        d.backward()
    except (TypeError, NameError, AttributeError, RecursionError) as err:
        if _backward_error_named(Value, d, err) or _order_given_the_wrong_thing(err):
            return False
        raise
    got = {k: n.grad for k, n in nodes.items()}
    w = _Walk(what, d, log, watch, users, got, _graph_reference(long_arm))
    if not watch.resets and _close(d.grad, 1.0) and all(_close(got[k], w.want[k]) for k in w.want):
        if log.count("d") > 1:
            print(
                f"{FAIL} backward: right gradients on {what}, but the output's _backward ran "
                f"{log.count('d')} times"
            )
            return False
        return True
    said = next(filter(None, (mistake(w) for mistake in BACKWARD_MISTAKES)), None)
    bug, hints = said or _gradients_disagree(w)
    return _wrong("backward", bug, hints)


def _calls_itself(err: RecursionError, Value) -> bool:
    """True if the learner's ``backward`` is on the stack of ``err`` many times: it called
    itself (``v.backward()`` where ``v._backward()`` belongs)."""
    own = getattr(getattr(Value, "backward", None), "__code__", None)
    if own is None:
        return False
    frames = traceback.extract_tb(err.__traceback__)
    return sum(f.name == own.co_name and f.filename == own.co_filename for f in frames) > 3


def _a_function_for_its_list(err: TypeError) -> bool:
    """One ✗ line for ``reversed(topological_order)``: the function itself where the list it
    returns belongs. Python says only "'function' object is not reversible"."""
    code = _learner_code(err)
    found = re.search(r"(?:reversed\(|\bin\s+)(\w+)\s*\)?\s*:?\s*$", code)
    fn = found.group(1) if found and found.group(1) != "reversed" else "topological_order"
    return _wrong(
        "backward",
        f"{fn} is a function, and the loop got the function itself, not the list it "
        f"returns. A function runs only when it is called: {fn}(self) is the list of the "
        f"nodes of self's graph. (Python said: TypeError: {err})",
        [
            f"add (self): {fn}(self)",
            "for v in reversed(topological_order(self)): v._backward()",
        ],
    )


def _order_given_the_wrong_thing(err: BaseException) -> bool:
    """True (after one ✗ line) if ``topological_order`` was called without the output node,
    as ``topological_order()`` or ``topological_order(self._prev)``; else False."""
    text = str(err)
    given = re.match(r"^'(tuple|list|set)' object has no attribute '_prev'", text)
    if isinstance(err, TypeError) and "topological_order() missing 1 required" in text:
        bug = "topological_order() was called with nothing in the brackets"
    elif isinstance(err, AttributeError) and given:
        bug = (
            f"topological_order got a {given.group(1)} of nodes, such as self._prev, not one "
            "node. self._prev holds only the output's own parents"
        )
    else:
        return False
    _wrong(
        "backward",
        f"{bug}. topological_order takes one node, the graph's output, and finds every node "
        f"of its graph: topological_order(self). (Python said: {type(err).__name__}: {err})",
        [
            "which node is the output of the graph? That one goes in the brackets",
            "for v in reversed(topological_order(self)): v._backward()",
        ],
    )
    return True


def _a_name_used_too_early(err: UnboundLocalError) -> bool:
    """One ✗ line for a name used in ``backward`` before a line gave it a value, as
    ``for v in reversed(topological_order(v))``: v has its value only inside the loop."""
    found = re.search(r"local variable '(\w+)'", str(err))
    name = found.group(1) if found else "a name"
    return _wrong(
        "backward",
        f"your code uses `{name}` before any line has given it a value. A loop's `for {name} "
        f"in ...` gives {name} a value only inside the loop, one node at a time. The list to "
        "walk is made from the output, self: topological_order(self). "
        f"(Python said: UnboundLocalError: {err})",
        [
            "which node is the output of the graph? Use that one to make the list",
            "for v in reversed(topological_order(self)): v._backward()",
        ],
    )


def _a_name_for_the_list(err: NameError) -> bool:
    """One ✗ line for a loop over a name the notebook never defined, as ``reversed(order)``
    where ``order`` was the name of the list inside topological_order: Python says only
    "name 'order' is not defined"."""
    if isinstance(err, UnboundLocalError):
        return _a_name_used_too_early(err)
    missing = getattr(err, "name", None) or "that name"
    inside = (
        " A name given inside a function (such as the list `order` inside "
        "topological_order) stays inside it."
        if missing == "order"
        else ""
    )
    fix = (
        f"`{missing}` is a method of a node: call it on the node, as v.{missing}()"
        if missing.startswith("_")
        else "The list of self's nodes is what topological_order returns: call it, "
        "topological_order(self)"
    )
    return _wrong(
        "backward",
        f"your code uses the name `{missing}`, but the notebook has no such name: Python "
        f"knows a name only once a line has given it a value.{inside} {fix}. "
        f"(Python said: NameError: {err})",
        [
            "walk the nodes of self's graph: reversed(topological_order(self))",
            "for v in reversed(topological_order(self)): v._backward()",
        ],
    )


def _loop_line(err: BaseException) -> str:
    """The ``for`` line of the learner's loop around the line where ``err`` came from
    (searched upwards in the learner's code), or ""."""
    here = os.path.dirname(os.path.abspath(__file__))
    frames = [
        f
        for f in traceback.extract_tb(err.__traceback__)
        if not os.path.abspath(f.filename).startswith(here)
    ]
    if not frames:
        return ""
    for n in range(frames[-1].lineno or 0, 0, -1):
        line = linecache.getline(frames[-1].filename, n).split("#")[0].strip()
        if line.startswith("for "):
            return line
        if line.startswith("def "):
            return ""
    return ""


def _a_list_of_names_used(err: BaseException) -> str:
    """Without the learner's source (code run from a file Python cannot read back): the
    global list of texts, ``names`` or ``order``, that the failing function reads, or ""."""
    tb, frame = err.__traceback__, None
    while tb is not None:
        frame, tb = tb.tb_frame, tb.tb_next
    if frame is None:
        return ""
    for name in ("names", "order"):
        value = frame.f_globals.get(name)
        if name in frame.f_code.co_names and isinstance(value, list):
            if value and all(isinstance(v, str) for v in value):
                return name
    return ""


def _not_nodes_in_the_loop(err: AttributeError) -> bool:
    """One ✗ line for a loop over things that are not nodes, as ``reversed(order)`` with
    the lesson's ``order`` of section 3 (a list of label strings): Python says only
    "'str' object has no attribute '_backward'"."""
    kind = re.search(r"'(\w+)' object", str(err))
    kind = kind.group(1) if kind else "other"
    code = _loop_line(err)
    loop = re.search(r"\bin\s+(?:reversed\()?\s*(\w+)", code)
    listed = loop.group(1) if loop else _a_list_of_names_used(err)
    said = {"str": "a text (a str), such as a name", "int": "a whole number"}
    what = said.get(kind, f"a {kind}, not a node")
    named = f"`{listed}`" if listed else "the list your loop walks"
    names = (
        f". The notebook's `{listed}` of section 3 is such a list: it holds the names of the "
        f"diamond's nodes ('x', 'a', ...), not the nodes themselves"
        if listed in ("names", "order") and kind == "str"
        else ""
    )
    return _wrong(
        "backward",
        f"the loop reached an item of {named} that is {what}, and only a node has a "
        f"_backward{names}. The list of self's nodes is what your topological_order "
        f"returns: topological_order(self). (Python said: AttributeError: {err})",
        [
            "walk the nodes of self's graph: reversed(topological_order(self))",
            "for v in reversed(topological_order(self)): v._backward()",
        ],
    )


def _calls_reverse(Value, err: BaseException) -> bool:
    """True if the learner's ``backward`` uses ``.reverse()``, a list method that returns
    None (the line of ``err``, or else the names the code of ``backward`` uses)."""
    if ".reverse()" in _learner_code(err):
        return True
    own = getattr(getattr(Value, "backward", None), "__code__", None)
    return own is not None and "reverse" in own.co_names


def _order_returns_none(Value, root) -> bool:
    """True if the learner's ``topological_order`` (found where their ``backward`` was
    written) returns None for ``root``."""
    order = getattr(getattr(Value, "backward", None), "__globals__", {}).get("topological_order")
    if not callable(order):
        return False
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return order(root) is None
    except Exception:  # the learner's function may do anything
        return False


# --------------------------------------------------------------------------------------
# the engine for the training section
# --------------------------------------------------------------------------------------


def engine_for_training(Value, topological_order=None):
    """The learner's ``Value`` if it passes the checks of 2b.1–2b.3, else helpers.autodiff's.

    Returns ``(engine, sentence)``; runs the checks quietly (no output, no counted tries).
    """
    steps = [
        ("2b.1", lambda: check_add_mul(Value)),
        ("2b.2", lambda: check_tanh(Value)),
        ("2b.3", lambda: check_backward(Value)),
        (
            "2b.4",
            lambda: topological_order is not None and check_topological_order(topological_order),
        ),
    ]
    saved = dict(_tries)
    failing = []
    with contextlib.redirect_stdout(io.StringIO()):
        for ex, run in steps:
            try:
                if not run():
                    failing.append(ex)
            except Exception:  # a learner's class may do anything
                failing.append(ex)
    _tries.clear()
    _tries.update(saved)
    if not failing:
        return Value, f"{PASS} your engine passes exercises 2b.1–2b.3: training on YOUR Value"
    these = (
        f"exercise {failing[0]} is" if len(failing) == 1 else f"exercises {', '.join(failing)} are"
    )
    return Reference, (
        f"… {these} not passing yet: training on "
        "helpers.autodiff.Value instead (run this cell again once they pass)"
    )


def training_verdict(engine, losses, reference_losses) -> bool:
    """The last check of the lesson, in one line: did ``engine`` train, step for step, as
    helpers.autodiff does? If ``engine`` is helpers.autodiff's ``Value`` itself (the learner's
    engine does not pass the exercises yet), it says that the learner's engine was NOT tested.

    ``losses`` and ``reference_losses``: the loss at each step of the two runs. Returns True
    only when the learner's own engine trained and matched at every step.
    """
    losses, reference_losses = list(losses), list(reference_losses)
    if engine is Reference:
        print(
            "… NOT a test of your engine: exercises 2b.1 to 2b.3 do not all pass yet, so this "
            "training ran on helpers.autodiff.Value. Fix them, then run the training again"
        )
        return False
    if len(losses) != len(reference_losses) or not losses:
        print(f"{FAIL} training: {len(losses)} losses, expected {len(reference_losses)}")
        return False
    if not losses[-1] < 0.1 * losses[0]:
        print(
            f"{FAIL} training: the loss did not fall to a tenth of its first value: "
            "some gradient is wrong"
        )
        return False
    for step, (got, want) in enumerate(zip(losses, reference_losses)):
        if not _close(got, want):
            print(
                f"{FAIL} training: at step {step} the loss differs from helpers.autodiff's: "
                "your engine computes some gradient wrongly"
            )
            return False
    print(
        f"{PASS} training: YOUR engine lowered the loss to under a tenth of its first value, "
        "with the same loss as helpers.autodiff at every step"
    )
    return True


LECTURE_SIZES = (3, 4, 4, 1)  # 3 inputs, two hidden layers of 4 tanh units, 1 tanh output


def lecture_network(engine):
    """The micrograd lecture's network, built from ``engine`` (a ``Value`` class).

    3 inputs, two hidden layers of 4 tanh units and one tanh output unit: 41 parameters.
    Their starting values are drawn from ``random.Random(0)``, uniform between -1 and 1, in
    the order of the lesson's ``Neuron``/``Layer``/``MLP`` classes (per neuron: its weights,
    then its bias), so both give the same network. A neuron's sum starts from its bias and
    adds ``w * x`` one ``+`` at a time: only ``+``, ``*`` and ``tanh`` of the engine are used.

    Returns ``(net, params)``: ``net(x)`` is the output (one ``engine`` node) for a list ``x``
    of 3 numbers, ``params`` the list of the 41 parameters.
    """
    if not isinstance(engine, type):
        raise TypeError(
            f"lecture_network: engine must be a Value class (yours or helpers.autodiff.Value), "
            f"got {type(engine).__name__} {engine!r}"
        )
    rng = random.Random(0)
    layers = []
    for n_in, n_out in zip(LECTURE_SIZES, LECTURE_SIZES[1:]):
        layer = []
        for _ in range(n_out):
            w = [engine(rng.uniform(-1, 1)) for _ in range(n_in)]
            layer.append((w, engine(rng.uniform(-1, 1))))
        layers.append(layer)
    params = [p for layer in layers for w, b in layer for p in [*w, b]]

    def net(x):
        if len(x) != LECTURE_SIZES[0]:
            raise ValueError(f"net: x must be a list of {LECTURE_SIZES[0]} numbers, got {x!r}")
        for layer in layers:
            outs = []
            for w, b in layer:
                total = b
                for wi, xi in zip(w, x):
                    total = total + wi * xi
                outs.append(total.tanh())
            x = outs
        return x[0]

    return net, params
