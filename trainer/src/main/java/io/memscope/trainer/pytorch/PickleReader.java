package io.memscope.trainer.pytorch;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a pickle (protocols 2 to 5) that holds plain data only: dicts, lists, tuples, sets, strings, bytes,
 * integers, floats, booleans and None, with the memo and framing. It is a small stack machine of its own, not
 * Python's: it never imports a module, looks up a class or calls anything, so a file cannot make it run code.
 * The opcodes that would ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code REDUCE}, {@code BUILD}, {@code INST},
 * {@code OBJ}, {@code NEWOBJ}, {@code NEWOBJ_EX}, {@code EXT1/2/4}, {@code PERSID}, {@code BINPERSID}, out-of-band
 * buffers) are refused with the opcode's name and byte offset, as is protocol 0/1's text form and anything
 * malformed: a cut file, a length prefix longer than what follows, a mark or memo slot that is not there.
 *
 * <p>Values: Python {@code int} is a {@link Long} (a {@link BigInteger} beyond 64 bits), {@code float} a
 * {@link Double}, {@code str} a {@link String}, {@code bytes} a {@code byte[]}, {@code None} null, {@code bool}
 * a {@link Boolean}, {@code list} a {@link PyList}, {@code dict} a {@link PyDict}, {@code tuple} a {@link
 * PyTuple}, {@code set} and {@code frozenset} a {@link PyList}.
 *
 * <p>{@code APPENDS} and {@code SETITEMS} cost O(items): the items move from the stack into the container
 * once. A {@link Hooks} object sees every item as it enters a list and every value as it enters a dict, and
 * may take it (a list item) or replace it (a dict value); what it takes or replaces is also replaced in the
 * memo, so a snapshot's millions of trace entries need not stay alive as dicts while the file is read.
 */
public final class PickleReader {
    /** Sees the items and values containers receive while the pickle is read. */
    public interface Hooks {
        /**
         * A value about to be stored under {@code key} in {@code dict}; returns what to store instead (or the
         * value itself). A replaced list or dict is replaced in the memo too.
         */
        default Object onSetItem(PyDict dict, Object key, Object value, Memo memo) {
            return value;
        }

        /**
         * An item about to be appended to {@code list}; returns true when the hook took it, which then neither
         * goes into the list nor stays in the memo.
         */
        default boolean onAppend(PyList list, Object item, Memo memo) {
            return false;
        }
    }

    /**
     * What a hook throws when an item or value is not what it must be; the reader adds the file and the byte
     * offset and throws a {@link SnapshotFormatException}.
     */
    public static final class Rejected extends RuntimeException {
        public Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** The memo as a hook may change it: a container it has read can give its slot to a smaller stand-in. */
    public interface Memo {
        void replace(Memoized container, Object replacement);
    }

    /** A list or dict that remembers the memo slot it was stored in, so a hook can hand the slot on. */
    public interface Memoized {
        long memoIndex();

        void setMemoIndex(long index);
    }

    /** A Python list (also a set or frozenset, whose order is the file's). */
    public static final class PyList extends ArrayList<Object> implements Memoized {
        private long memoIndex = -1;

        public PyList() {
            super();
        }

        @Override
        public long memoIndex() {
            return memoIndex;
        }

        @Override
        public void setMemoIndex(long index) {
            memoIndex = index;
        }

        // identity, as Python lists are unhashable and the reader keeps them apart by object
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /**
     * A Python dict with keys in insertion order. Small dicts (a trace entry, a frame) are two short arrays
     * searched in order; past {@link #INDEXED} keys a hash index takes over, so any dict costs O(1) per key.
     */
    public static final class PyDict implements Memoized {
        static final int INDEXED = 12;
        private Object[] keys = new Object[8];
        private Object[] values = new Object[8];
        private int size;
        private Map<Object, Integer> index;
        private long memoIndex = -1;

        @Override
        public long memoIndex() {
            return memoIndex;
        }

        @Override
        public void setMemoIndex(long index) {
            memoIndex = index;
        }

        public int size() {
            return size;
        }

        public Object key(int i) {
            return keys[i];
        }

        public Object value(int i) {
            return values[i];
        }

        public boolean containsKey(Object key) {
            return find(key) >= 0;
        }

        /** The value under {@code key}, or null (also for a None value: use {@link #containsKey}). */
        public Object get(Object key) {
            int i = find(key);
            return i < 0 ? null : values[i];
        }

        public void put(Object key, Object value) {
            int i = find(key);
            if (i >= 0) {
                values[i] = value;
                return;
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = value;
            if (index != null) {
                index.put(key, size);
            } else if (size + 1 > INDEXED) {
                index = new HashMap<>();
                for (int k = 0; k <= size; k++) {
                    index.put(keys[k], k);
                }
            }
            size++;
        }

        private int find(Object key) {
            if (index != null) {
                Integer i = index.get(key);
                return i == null ? -1 : i;
            }
            for (int i = 0; i < size; i++) {
                Object k = keys[i];
                if (k == key || (k != null && k.equals(key))) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            return "dict of " + size + " keys";
        }
    }

    /** A Python tuple: immutable, compared and hashed by content so it can be a dict key. */
    public record PyTuple(List<Object> items) {
        public PyTuple {
            items = java.util.Collections.unmodifiableList(new ArrayList<>(items));
        }

        public int size() {
            return items.size();
        }

        public Object get(int i) {
            return items.get(i);
        }
    }

    /** A memo slot whose object a hook took; reading it back is an error. */
    private static final Object TAKEN = new Object();
    /** The most bytes one string, bytes object or integer may announce. */
    static final long MAX_LENGTH = Integer.MAX_VALUE - 16;
    /** The most nested marks; a snapshot needs about six. */
    static final int MAX_MARKS = 100_000;

    private final Input in;
    private final String source;
    private final Hooks hooks;
    private final List<Object> stack = new ArrayList<>();
    private int[] marks = new int[16];
    private int markCount;
    private Object[] memo = new Object[1024];
    /** Memo slots far beyond the dense array (a hostile file could name any 32-bit index). */
    private final Map<Long, Object> sparseMemo = new HashMap<>();
    private final MemoImpl memoView = new MemoImpl();
    private long opcodeAt;

    private PickleReader(InputStream in, String source, Hooks hooks) {
        this.in = new Input(in);
        this.source = source;
        this.hooks = hooks;
    }

    /** Reads one pickle from {@code in}; {@code source} names it in errors. Bytes after STOP are not read. */
    public static Object read(InputStream in, String source, Hooks hooks) throws IOException {
        return new PickleReader(in, source, hooks == null ? new Hooks() { } : hooks).run();
    }

    private Object run() throws IOException {
        int first = in.peek();
        if (first < 0) {
            throw fail(0, "the file is empty; a PyTorch memory snapshot is a pickle of a dict");
        }
        if (first != Op.PROTO) {
            throw fail(0, "not a pickle of protocol 2 to 5 (it starts with " + describeByte(first)
                    + ", not the PROTO opcode 0x80); torch.cuda.memory._dump_snapshot() writes such a pickle");
        }
        try {
            while (true) {
                opcodeAt = in.position();
                int op = in.read();
                if (op < 0) {
                    throw fail(opcodeAt, "the pickle ends without its STOP opcode: the file is truncated");
                }
                if (op == Op.STOP) {
                    if (markCount > 0) {
                        throw fail(opcodeAt, "STOP with a MARK still open");
                    }
                    if (stack.size() != 1) {
                        throw fail(opcodeAt, "STOP with " + stack.size() + " values on the stack instead of one");
                    }
                    return stack.get(0);
                }
                step(op);
            }
        } catch (EOFException e) {
            throw fail(opcodeAt, "the file ends inside opcode " + Op.name(in.opcode(opcodeAt)) + ": it is truncated");
        }
    }

    private void step(int op) throws IOException {
        switch (op) {
            case Op.PROTO -> {
                int protocol = in.u8();
                if (protocol < 2 || protocol > 5) {
                    throw fail(opcodeAt, "pickle protocol " + protocol + " is not one MemScope reads (2 to 5)");
                }
            }
            case Op.FRAME -> {
                long length = in.le64();
                if (length < 0) {
                    throw fail(opcodeAt, "FRAME announces a negative length");
                }
            }
            case Op.MARK -> {
                if (markCount == MAX_MARKS) {
                    throw fail(opcodeAt, "more than " + MAX_MARKS + " nested MARKs");
                }
                if (markCount == marks.length) {
                    marks = Arrays.copyOf(marks, markCount * 2);
                }
                marks[markCount++] = stack.size();
            }
            case Op.POP -> {
                if (markCount > 0 && marks[markCount - 1] == stack.size()) {
                    markCount--; // POP of a mark, as Python does
                } else {
                    pop("POP");
                }
            }
            case Op.POP_MARK -> popMark("POP_MARK").clear();
            case Op.DUP -> push(top("DUP"));
            case Op.NONE -> push(null);
            case Op.NEWTRUE -> push(Boolean.TRUE);
            case Op.NEWFALSE -> push(Boolean.FALSE);
            case Op.BININT -> push((long) in.le32());
            case Op.BININT1 -> push((long) in.u8());
            case Op.BININT2 -> push((long) in.le16());
            case Op.LONG1 -> push(longOf(in.bytes(in.u8())));
            case Op.LONG4 -> push(longOf(in.bytes(length(in.le32(), "LONG4"))));
            case Op.BINFLOAT -> push(Double.longBitsToDouble(in.be64()));
            case Op.SHORT_BINUNICODE -> push(utf8(in.bytes(in.u8())));
            case Op.BINUNICODE -> push(utf8(in.bytes(length(in.le32() & 0xFFFF_FFFFL, "BINUNICODE"))));
            case Op.BINUNICODE8 -> push(utf8(in.bytes(length(in.le64(), "BINUNICODE8"))));
            case Op.SHORT_BINSTRING -> push(new String(in.bytes(in.u8()), StandardCharsets.ISO_8859_1));
            case Op.BINSTRING -> push(new String(in.bytes(length(in.le32(), "BINSTRING")), StandardCharsets.ISO_8859_1));
            case Op.SHORT_BINBYTES -> push(in.bytes(in.u8()));
            case Op.BINBYTES -> push(in.bytes(length(in.le32() & 0xFFFF_FFFFL, "BINBYTES")));
            case Op.BINBYTES8 -> push(in.bytes(length(in.le64(), "BINBYTES8")));
            case Op.BYTEARRAY8 -> push(in.bytes(length(in.le64(), "BYTEARRAY8")));
            case Op.EMPTY_LIST, Op.EMPTY_SET -> push(new PyList());
            case Op.EMPTY_DICT -> push(new PyDict());
            case Op.EMPTY_TUPLE -> push(new PyTuple(List.of()));
            case Op.TUPLE1 -> push(tuple(1));
            case Op.TUPLE2 -> push(tuple(2));
            case Op.TUPLE3 -> push(tuple(3));
            case Op.TUPLE -> {
                List<Object> items = popMark("TUPLE");
                PyTuple t = new PyTuple(items);
                items.clear();
                push(t);
            }
            case Op.LIST -> {
                List<Object> items = popMark("LIST");
                PyList list = new PyList();
                appendAll(list, items);
                items.clear();
                push(list);
            }
            case Op.FROZENSET -> {
                List<Object> items = popMark("FROZENSET");
                PyList set = new PyList();
                set.addAll(items);
                items.clear();
                push(set);
            }
            case Op.DICT -> {
                List<Object> items = popMark("DICT");
                PyDict dict = new PyDict();
                setAll(dict, items, "DICT");
                items.clear();
                push(dict);
            }
            case Op.APPEND -> {
                Object item = pop("APPEND");
                append(list(top("APPEND"), "APPEND"), item);
            }
            case Op.APPENDS -> {
                List<Object> items = popMark("APPENDS");
                PyList list = list(belowMark(items, "APPENDS"), "APPENDS");
                appendAll(list, items);
                items.clear();
            }
            case Op.ADDITEMS -> {
                List<Object> items = popMark("ADDITEMS");
                list(belowMark(items, "ADDITEMS"), "ADDITEMS").addAll(items);
                items.clear();
            }
            case Op.SETITEM -> {
                Object value = pop("SETITEM");
                Object key = pop("SETITEM");
                set(dict(top("SETITEM"), "SETITEM"), key, value);
            }
            case Op.SETITEMS -> {
                List<Object> items = popMark("SETITEMS");
                setAll(dict(belowMark(items, "SETITEMS"), "SETITEMS"), items, "SETITEMS");
                items.clear();
            }
            case Op.BINPUT -> put(in.u8());
            case Op.LONG_BINPUT -> put(in.le32() & 0xFFFF_FFFFL);
            case Op.MEMOIZE -> put(memoSize());
            case Op.BINGET -> push(get(in.u8()));
            case Op.LONG_BINGET -> push(get(in.le32() & 0xFFFF_FFFFL));
            case Op.GLOBAL -> {
                String module = in.line(256);
                String name = in.line(256);
                throw refuse(op, "it would import " + printable(module) + "." + printable(name)
                        + " and the opcodes after it could call it");
            }
            case Op.STACK_GLOBAL, Op.INST, Op.OBJ, Op.NEWOBJ, Op.NEWOBJ_EX, Op.REDUCE, Op.BUILD, Op.EXT1, Op.EXT2,
                    Op.EXT4 -> throw refuse(op, "it would look up or call Python code to build an object");
            case Op.PERSID, Op.BINPERSID -> throw refuse(op, "it asks for an object from outside the file");
            case Op.NEXT_BUFFER, Op.READONLY_BUFFER -> throw refuse(op, "it asks for a buffer from outside the file");
            case Op.INT, Op.LONG, Op.FLOAT, Op.STRING, Op.UNICODE, Op.GET, Op.PUT -> throw fail(opcodeAt, "opcode "
                    + Op.name(op) + " is pickle protocol 0's text form, which MemScope does not read; "
                    + "torch.cuda.memory._dump_snapshot() writes protocol 2 or newer");
            default -> throw fail(opcodeAt, describeByte(op) + " is not a pickle opcode: the file is damaged or "
                    + "not a pickle");
        }
    }

    // ---- the stack ----------------------------------------------------------------------------------

    private void push(Object value) {
        stack.add(value);
    }

    private Object pop(String opcode) {
        int floor = markCount > 0 ? marks[markCount - 1] : 0;
        if (stack.size() <= floor) {
            throw fail(opcodeAt, "opcode " + opcode + " finds the stack empty" + (markCount > 0 ? " above its mark" : ""));
        }
        return stack.remove(stack.size() - 1);
    }

    private Object top(String opcode) {
        int floor = markCount > 0 ? marks[markCount - 1] : 0;
        if (stack.size() <= floor) {
            throw fail(opcodeAt, "opcode " + opcode + " finds the stack empty" + (markCount > 0 ? " above its mark" : ""));
        }
        return stack.get(stack.size() - 1);
    }

    /** The items above the innermost mark, as a view the caller clears once it has moved them. */
    private List<Object> popMark(String opcode) {
        if (markCount == 0) {
            throw fail(opcodeAt, "opcode " + opcode + " needs a MARK before it, and there is none");
        }
        int from = marks[--markCount];
        return stack.subList(from, stack.size());
    }

    /** The value just below the items a {@link #popMark} returned: the container APPENDS or SETITEMS fills. */
    private Object belowMark(List<Object> items, String opcode) {
        int at = stack.size() - items.size() - 1;
        int floor = markCount > 0 ? marks[markCount - 1] : 0;
        if (at < floor) {
            throw fail(opcodeAt, "opcode " + opcode + " finds nothing below its mark to add to");
        }
        return stack.get(at);
    }

    private PyTuple tuple(int n) {
        int floor = markCount > 0 ? marks[markCount - 1] : 0;
        if (stack.size() - floor < n) {
            throw fail(opcodeAt, "opcode TUPLE" + n + " needs " + n + " values on the stack");
        }
        List<Object> items = stack.subList(stack.size() - n, stack.size());
        PyTuple t = new PyTuple(items);
        items.clear();
        return t;
    }

    private PyList list(Object target, String opcode) {
        if (target instanceof PyList l) {
            return l;
        }
        throw fail(opcodeAt, "opcode " + opcode + " adds to " + describe(target) + ", not a list");
    }

    private PyDict dict(Object target, String opcode) {
        if (target instanceof PyDict d) {
            return d;
        }
        throw fail(opcodeAt, "opcode " + opcode + " sets items of " + describe(target) + ", not a dict");
    }

    private void append(PyList list, Object item) {
        boolean taken;
        try {
            taken = hooks.onAppend(list, item, memoView);
        } catch (Rejected e) {
            throw fail(opcodeAt, e.getMessage());
        }
        if (!taken) {
            list.add(item);
        } else if (item instanceof Memoized m) {
            memoView.replace(m, TAKEN);
        }
    }

    private void appendAll(PyList list, List<Object> items) {
        list.ensureCapacity(list.size() + items.size());
        for (Object item : items) {
            append(list, item);
        }
    }

    private void set(PyDict dict, Object key, Object value) {
        checkKey(key);
        Object stored;
        try {
            stored = hooks.onSetItem(dict, key, value, memoView);
        } catch (Rejected e) {
            throw fail(opcodeAt, e.getMessage());
        }
        if (stored != value && value instanceof Memoized m) {
            memoView.replace(m, stored);
        }
        dict.put(key, stored);
    }

    private void setAll(PyDict dict, List<Object> items, String opcode) {
        if (items.size() % 2 != 0) {
            throw fail(opcodeAt, "opcode " + opcode + " has an odd number of values above its mark (" + items.size()
                    + "); keys and values come in pairs");
        }
        for (int i = 0; i < items.size(); i += 2) {
            set(dict, items.get(i), items.get(i + 1));
        }
    }

    /** A dict key must be hashable by value, as Python requires: a list or dict (or bytes) is refused. */
    private void checkKey(Object key) {
        if (key == null || key instanceof String || key instanceof Long || key instanceof Boolean
                || key instanceof Double || key instanceof BigInteger) {
            return;
        }
        if (key instanceof PyTuple t) {
            for (Object item : t.items()) {
                checkKey(item);
            }
            return;
        }
        throw fail(opcodeAt, "a dict key is " + describe(key) + ", which Python cannot hash");
    }

    // ---- the memo -----------------------------------------------------------------------------------

    /** What MEMOIZE stores at: the number of slots filled, as Python's {@code len(memo)}. */
    private long memoSize() {
        return memoEntries;
    }

    private long memoEntries;

    private void put(long index) {
        Object value = top("PUT");
        Object stored = value == null ? NONE_IN_MEMO : value;
        if (index < memo.length * 4L + 1024 && index < Integer.MAX_VALUE - 16) {
            int i = (int) index;
            if (i >= memo.length) {
                memo = Arrays.copyOf(memo, Math.max(i + 1, memo.length * 2));
            }
            if (memo[i] == null) {
                memoEntries++;
            }
            memo[i] = stored;
        } else if (sparseMemo.put(index, stored) == null) {
            memoEntries++;
        }
        if (value instanceof Memoized m) {
            m.setMemoIndex(index);
        }
    }

    private Object get(long index) {
        Object value;
        if (index < memo.length && memo[(int) index] != null) {
            value = memo[(int) index];
        } else if (sparseMemo.containsKey(index)) {
            value = sparseMemo.get(index);
        } else {
            throw fail(opcodeAt, "opcode " + Op.name(in.opcode(opcodeAt)) + " reads memo slot " + index
                    + ", which nothing was stored in");
        }
        if (value == TAKEN) {
            throw fail(opcodeAt, "the pickle refers back (memo slot " + index + ") to a trace entry MemScope has "
                    + "already read; snapshots do not share trace entries");
        }
        return value == NONE_IN_MEMO ? null : value;
    }

    /** Stands for a None stored in the dense memo, where null means an empty slot. */
    private static final Object NONE_IN_MEMO = new Object();

    private final class MemoImpl implements Memo {
        @Override
        public void replace(Memoized container, Object replacement) {
            long index = container.memoIndex();
            if (index < 0) {
                return;
            }
            Object stored = replacement == null ? NONE_IN_MEMO : replacement;
            if (index < memo.length && memo[(int) index] == container) {
                memo[(int) index] = stored;
            } else if (sparseMemo.get(index) == container) {
                sparseMemo.put(index, stored);
            }
        }
    }

    // ---- values -------------------------------------------------------------------------------------

    private static Object longOf(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private long length(long announced, String opcode) {
        if (announced < 0 || announced > MAX_LENGTH) {
            throw fail(opcodeAt, "opcode " + opcode + " announces " + Long.toUnsignedString(announced)
                    + " bytes, more than a snapshot's value can hold; the file is damaged");
        }
        return announced;
    }

    private SnapshotFormatException refuse(int op, String why) {
        return fail(opcodeAt, "opcode " + Op.name(op) + " (" + String.format(Locale.ROOT, "0x%02x", op) + "): " + why
                + ". MemScope reads plain data only and never runs code from a file; a PyTorch memory snapshot "
                + "holds only dicts, lists, strings and numbers, so this file is not one (or was tampered with)");
    }

    private SnapshotFormatException fail(long at, String what) {
        return new SnapshotFormatException(source + ": byte " + at + ": " + what);
    }

    static String describe(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof PyList) {
            return "a list";
        }
        if (v instanceof PyDict) {
            return "a dict";
        }
        if (v instanceof PyTuple) {
            return "a tuple";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof byte[]) {
            return "bytes";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Double) {
            return "a float";
        }
        if (v instanceof Long || v instanceof BigInteger) {
            return "an integer";
        }
        return "a " + v.getClass().getSimpleName();
    }

    private static String describeByte(int b) {
        return b >= 0x20 && b < 0x7f ? String.format(Locale.ROOT, "'%c' (0x%02x)", (char) b, b)
                : String.format(Locale.ROOT, "byte 0x%02x", b);
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 80; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    // ---- input --------------------------------------------------------------------------------------

    /** Buffered little-endian reading with the position kept, for error messages. */
    private static final class Input {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int limit;
        private long base;
        /** The opcode at the last position asked for, for messages about a cut opcode. */
        private int lastOpcode = -1;
        private long lastOpcodeAt = -1;

        Input(InputStream in) {
            this.in = in;
        }

        long position() {
            return base + pos;
        }

        int opcode(long at) {
            return at == lastOpcodeAt ? lastOpcode : -1;
        }

        private boolean fill() throws IOException {
            if (pos < limit) {
                return true;
            }
            base += limit;
            pos = 0;
            limit = 0;
            int n;
            do {
                n = in.read(buf, 0, buf.length);
            } while (n == 0);
            if (n < 0) {
                return false;
            }
            limit = n;
            return true;
        }

        int peek() throws IOException {
            return fill() ? buf[pos] & 0xFF : -1;
        }

        /** The next byte as an opcode, or -1 at the end. */
        int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            lastOpcodeAt = position();
            lastOpcode = buf[pos] & 0xFF;
            return buf[pos++] & 0xFF;
        }

        int u8() throws IOException {
            if (!fill()) {
                throw new EOFException();
            }
            return buf[pos++] & 0xFF;
        }

        int le16() throws IOException {
            return u8() | (u8() << 8);
        }

        int le32() throws IOException {
            if (limit - pos >= 4) {
                int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16
                        | (buf[pos + 3] & 0xFF) << 24;
                pos += 4;
                return v;
            }
            return u8() | (u8() << 8) | (u8() << 16) | (u8() << 24);
        }

        long le64() throws IOException {
            return (le32() & 0xFFFF_FFFFL) | ((long) le32() << 32);
        }

        long be64() throws IOException {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | u8();
            }
            return v;
        }

        /**
         * {@code n} bytes. A large count is read in pieces, so a length prefix that promises more than the file
         * holds ends in an {@link EOFException} after reading what is there, not in a huge allocation.
         */
        byte[] bytes(long n) throws IOException {
            if (n <= limit - pos) {
                byte[] out = Arrays.copyOfRange(buf, pos, pos + (int) n);
                pos += (int) n;
                return out;
            }
            byte[] out = new byte[(int) Math.min(n, 1 << 20)];
            int have = 0;
            while (have < n) {
                if (!fill()) {
                    throw new EOFException();
                }
                if (have == out.length) {
                    out = Arrays.copyOf(out, (int) Math.min(n, (long) out.length * 2));
                }
                int take = (int) Math.min(Math.min(limit - pos, out.length - have), n - have);
                System.arraycopy(buf, pos, out, have, take);
                pos += take;
                have += take;
            }
            return out;
        }

        /** A text line (GLOBAL's module and name), at most {@code max} bytes, without its newline. */
        String line(int max) throws IOException {
            StringBuilder out = new StringBuilder();
            while (true) {
                int b = u8();
                if (b == '\n' || out.length() >= max) {
                    return out.toString();
                }
                out.append((char) b);
            }
        }
    }

    /** The opcodes, by their byte. */
    static final class Op {
        static final int MARK = '(';
        static final int STOP = '.';
        static final int POP = '0';
        static final int POP_MARK = '1';
        static final int DUP = '2';
        static final int FLOAT = 'F';
        static final int INT = 'I';
        static final int BININT = 'J';
        static final int BININT1 = 'K';
        static final int LONG = 'L';
        static final int BININT2 = 'M';
        static final int NONE = 'N';
        static final int PERSID = 'P';
        static final int BINPERSID = 'Q';
        static final int REDUCE = 'R';
        static final int STRING = 'S';
        static final int BINSTRING = 'T';
        static final int SHORT_BINSTRING = 'U';
        static final int UNICODE = 'V';
        static final int BINUNICODE = 'X';
        static final int APPEND = 'a';
        static final int BUILD = 'b';
        static final int GLOBAL = 'c';
        static final int DICT = 'd';
        static final int EMPTY_DICT = '}';
        static final int APPENDS = 'e';
        static final int GET = 'g';
        static final int BINGET = 'h';
        static final int INST = 'i';
        static final int LONG_BINGET = 'j';
        static final int LIST = 'l';
        static final int EMPTY_LIST = ']';
        static final int OBJ = 'o';
        static final int PUT = 'p';
        static final int BINPUT = 'q';
        static final int LONG_BINPUT = 'r';
        static final int SETITEM = 's';
        static final int TUPLE = 't';
        static final int EMPTY_TUPLE = ')';
        static final int SETITEMS = 'u';
        static final int BINFLOAT = 'G';
        static final int PROTO = 0x80;
        static final int NEWOBJ = 0x81;
        static final int EXT1 = 0x82;
        static final int EXT2 = 0x83;
        static final int EXT4 = 0x84;
        static final int TUPLE1 = 0x85;
        static final int TUPLE2 = 0x86;
        static final int TUPLE3 = 0x87;
        static final int NEWTRUE = 0x88;
        static final int NEWFALSE = 0x89;
        static final int LONG1 = 0x8a;
        static final int LONG4 = 0x8b;
        static final int BINBYTES = 'B';
        static final int SHORT_BINBYTES = 'C';
        static final int SHORT_BINUNICODE = 0x8c;
        static final int BINUNICODE8 = 0x8d;
        static final int BINBYTES8 = 0x8e;
        static final int EMPTY_SET = 0x8f;
        static final int ADDITEMS = 0x90;
        static final int FROZENSET = 0x91;
        static final int NEWOBJ_EX = 0x92;
        static final int STACK_GLOBAL = 0x93;
        static final int MEMOIZE = 0x94;
        static final int FRAME = 0x95;
        static final int BYTEARRAY8 = 0x96;
        static final int NEXT_BUFFER = 0x97;
        static final int READONLY_BUFFER = 0x98;

        private static final Map<Integer, String> NAMES = new HashMap<>();

        static {
            for (java.lang.reflect.Field f : Op.class.getDeclaredFields()) {
                if (f.getType() == int.class) {
                    try {
                        NAMES.put(f.getInt(null), f.getName());
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }

        private Op() {}

        static String name(int op) {
            return op < 0 ? "?" : NAMES.getOrDefault(op, String.format(Locale.ROOT, "0x%02x", op));
        }
    }
}
