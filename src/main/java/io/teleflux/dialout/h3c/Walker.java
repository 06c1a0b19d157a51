package io.teleflux.dialout.h3c;

import io.teleflux.dialout.DecodeException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.io.SerializedString;
import io.teleflux.point.Point;
import io.teleflux.point.Schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

import static com.fasterxml.jackson.core.JsonToken.END_ARRAY;
import static com.fasterxml.jackson.core.JsonToken.FIELD_NAME;
import static com.fasterxml.jackson.core.JsonToken.START_ARRAY;
import static com.fasterxml.jackson.core.JsonToken.START_OBJECT;
import static com.fasterxml.jackson.core.JsonToken.VALUE_NULL;
import static com.fasterxml.jackson.core.JsonToken.VALUE_STRING;

/**
 * Walks one {@code jsonData} document token by token: envelope → module → table → rows → values.
 * Results are point builders in {@link #pending} and issue tallies in {@link #counts}; nothing is
 * published until the whole document has been read, so a broken document leaves no trace.
 *
 * <p>Depths: the root object is 1, {@code Notification} 2, a module 3, a table 4, a row container 5.
 *
 * <p>Not thread-safe: one instance per thread, reused across documents.
 */
final class Walker {
    private final JsonFactory factory;
    private final H3cMappings mappings;
    private final RowState row = new RowState();
    private final RowState tableRow = new RowState();
    private final NumberText num = new NumberText();
    /**
     * Number tokens up to this many characters go through Jackson's own parsing ({@code -}, 20 digits
     * and some room for a float's exponent); longer ones through {@link NumberText} (see {@link #number}).
     */
    static final int SHORT_NUMBER = 32;

    /** The points of the document so far, timed {@link #rowTimeMs} (see {@link #notification}). */
    final ArrayList<Point> pending = new ArrayList<>();
    final int[] counts = new int[Issue.COUNT];
    /** The first column each issue was seen on, for the log line. */
    final String[] firstColumn = new String[Issue.COUNT];

    /** Column names of the last row read, by position, and their mapped columns (see {@link #row}). */
    private final SerializedString[] seenNames = new SerializedString[64];
    private static final int MAX_SERIALIZED_NAMES = 1024;
    private final HashMap<String, SerializedString> serializedNames = new HashMap<>();
    private final Column[] seenColumns = new Column[64];
    private Mapping seenMapping;

    private String device;
    private long receivedAtMs;
    /** The time rows are built with: the Notification's Timestamp if it came before them, else receivedAtMs. */
    private long rowTimeMs;
    private int maxRows;
    private int maxDepth;
    private int rows;
    private boolean tableRowStarted;
    /** The time came with the document ({@link #walkWithMetadata}): a Notification without a Timestamp is no issue. */
    private boolean timeGiven;

    Walker(JsonFactory factory, H3cMappings mappings) {
        this.factory = factory;
        this.mappings = mappings;
    }

    void begin(String device, long receivedAtMs, int maxRows, int maxDepth) {
        this.device = device;
        this.receivedAtMs = receivedAtMs;
        this.maxRows = maxRows;
        this.maxDepth = maxDepth;
        rows = 0;
        tableRowStarted = false;
        timeGiven = false;
        pending.clear();
        Arrays.fill(counts, 0);
        Arrays.fill(firstColumn, null);
    }

    /** Drops references to the last document so a large one is not kept alive by an idle thread. */
    void end() {
        boolean large = pending.size() > 4096;
        pending.clear();
        if (large) {
            pending.trimToSize();
        }
        device = null;
    }

    void walk(JsonParser p) throws IOException, DecodeException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new DecodeException(DecodeException.EMPTY_JSON, "jsonData is empty");
        }
        if (t != START_OBJECT) {
            throw new DecodeException(DecodeException.NOT_OBJECT, "jsonData is not a JSON object but " + t);
        }
        boolean found = false;
        while ((t = next(p)) == FIELD_NAME) {
            String name = p.currentName();
            t = next(p);
            if (t == START_OBJECT && name.equalsIgnoreCase("Notification")) {
                found = true;
                notification(p);
            } else {
                skip(p, t, 2);
            }
        }
        if (p.nextToken() != null) {
            throw new JsonParseException(p, "content after the top-level object");
        }
        if (!found) {
            throw new DecodeException(DecodeException.NO_NOTIFICATION, "no Notification object at the top level");
        }
    }

    /**
     * A document whose device, sensor path and time ({@code receivedAtMs} of {@link #begin}) come from
     * outside it, as H3C Comware v3 dial-out's {@code data_str} does. Each top-level member is:
     * <ul>
     *   <li>{@code Notification} (any case): read as by {@link #walk}; its Timestamp, when present, wins
     *       over the given time, and a missing one is not counted;</li>
     *   <li>named as the sensor path's module (its first segment, any case): that module's object;</li>
     *   <li>anything else: a table of that module, as inside a module object ({@code {"Statistics":
     *       {"Interface":[...]}}} for {@code Ifmgr/Statistics}); with no sensor path, a module.</li>
     * </ul>
     * Depths are counted as if the Notification envelope were there, so the limit is never looser.
     */
    void walkWithMetadata(JsonParser p, String sensorPath) throws IOException, DecodeException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new DecodeException(DecodeException.EMPTY_JSON, "jsonData is empty");
        }
        if (t != START_OBJECT) {
            throw new DecodeException(DecodeException.NOT_OBJECT, "jsonData is not a JSON object but " + t);
        }
        timeGiven = true;
        String module = moduleOf(sensorPath);
        while ((t = next(p)) == FIELD_NAME) {
            String name = p.currentName();
            t = next(p);
            rowTimeMs = receivedAtMs;
            if (t == START_OBJECT && name.equalsIgnoreCase("Notification")) {
                notification(p);
            } else if (t == START_OBJECT && (module == null || name.equalsIgnoreCase(module))) {
                module(p, name);
            } else if (module != null) {
                moduleEntry(p, module, name, t);
            } else {
                skip(p, t, 2);
            }
        }
        if (p.nextToken() != null) {
            throw new JsonParseException(p, "content after the top-level object");
        }
    }

    /** The first segment of a sensor path ({@code Ifmgr} of {@code Ifmgr/Statistics}), or null when there is none. */
    private static String moduleOf(String sensorPath) {
        if (sensorPath == null) {
            return null;
        }
        String s = sensorPath.strip();
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        int slash = s.indexOf('/');
        String m = (slash < 0 ? s : s.substring(0, slash)).strip();
        return m.isEmpty() ? null : m;
    }

    private void notification(JsonParser p) throws IOException, DecodeException {
        checkDepth(2);
        int first = pending.size();
        long timestamp = 0;
        boolean sawTimestamp = false;
        rowTimeMs = receivedAtMs;
        JsonToken t;
        while ((t = next(p)) == FIELD_NAME) {
            String name = p.currentName();
            t = next(p);
            if (name.equalsIgnoreCase("Timestamp")) {
                if (t != VALUE_NULL) {
                    sawTimestamp = true;
                    timestamp = timestamp(p, t);
                    // devices send the Timestamp first: then rows get their final time when they are built
                    rowTimeMs = timestamp > 0 ? timestamp : receivedAtMs;
                }
            } else if (t == START_OBJECT) {
                module(p, name);
            } else {
                skip(p, t, 3);
            }
        }
        if (!sawTimestamp) {
            if (!timeGiven) {
                issue(Issue.MISSING_TIMESTAMP, "Timestamp");
            }
            timestamp = receivedAtMs;
        } else if (timestamp <= 0) {
            issue(Issue.BAD_TIMESTAMP, "Timestamp");
            timestamp = receivedAtMs;
        }
        for (int i = first; i < pending.size(); i++) {
            Point pt = pending.get(i);
            if (pt.timeMs() != timestamp) {
                // rows read before the Timestamp (or before a second one)
                pending.set(i, pt.toBuilder().time(timestamp).build());
            }
        }
    }

    /** Epoch ms from a string or number; 0 when it cannot be one. */
    private long timestamp(JsonParser p, JsonToken t) throws IOException, DecodeException {
        switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return switch (number(p, t)) {
                    case NumberText.LONG -> Math.max(0, num.longValue);
                    case NumberText.DOUBLE -> msFromDouble(num.doubleValue);
                    default -> 0;
                };
            }
            case VALUE_STRING -> {
                return switch (num.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
                    case NumberText.LONG -> Math.max(0, num.longValue);
                    case NumberText.DOUBLE -> msFromDouble(num.doubleValue);
                    default -> 0;
                };
            }
            default -> {
                skip(p, t, 3);
                return 0;
            }
        }
    }

    private static long msFromDouble(double d) {
        return d > 0 && d < 0x1p63 ? Math.round(d) : 0;
    }

    private void module(JsonParser p, String module) throws IOException, DecodeException {
        checkDepth(3);
        JsonToken t;
        while ((t = next(p)) == FIELD_NAME) {
            String table = p.currentName();
            moduleEntry(p, module, table, next(p));
        }
    }

    /** One member of a module object, whose value starts with {@code t}: a table, or a table given as its rows. */
    private void moduleEntry(JsonParser p, String module, String table, JsonToken t) throws IOException, DecodeException {
        if (t == START_OBJECT) {
            table(p, mappings.resolve(module, table));
        } else if (t == START_ARRAY) {
            // a table given directly as its rows
            checkDepth(4);
            JsonToken first = next(p);
            if (first == START_OBJECT) {
                rowsFrom(p, mappings.resolve(module, table), first, 4);
            } else {
                skipElements(p, first, 4);
            }
        } else {
            skip(p, t, 4);
        }
    }

    private void table(JsonParser p, Mapping m) throws IOException, DecodeException {
        checkDepth(4);
        tableRowStarted = false;
        List<String> objectNames = null; // objects of this table read as rows, and where their points are
        List<Integer> objectPoints = null;
        JsonToken t;
        while ((t = next(p)) == FIELD_NAME) {
            String name = p.currentName();
            t = next(p);
            if (t == VALUE_STRING && NumberText.holdsJson(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
                tableEntryInString(m, name, p.getText());
            } else if (t == START_OBJECT) {
                int mark = pending.size();
                tableEntry(m, name, p, t, 5);
                if (pending.size() == mark + 1) {
                    if (objectNames == null) {
                        objectNames = new ArrayList<>(2);
                        objectPoints = new ArrayList<>(2);
                    }
                    objectNames.add(name);
                    objectPoints.add(mark);
                }
            } else {
                tableEntry(m, name, p, t, 5);
            }
        }
        if (tableRowStarted) {
            tableRowStarted = false;
            if (objectNames != null) {
                // the table is itself the row (it has values of its own): an object in it is part of
                // that row, named by its parent, not a second row on the same series and time
                Point[] nested = new Point[objectNames.size()];
                for (int i = nested.length - 1; i >= 0; i--) {
                    nested[i] = pending.remove((int) objectPoints.get(i));
                    rows--;
                }
                for (int i = 0; i < nested.length; i++) {
                    mergeInto(tableRow, Names.snake(objectNames.get(i)), nested[i]);
                }
            }
            finish(tableRow);
        }
    }

    /** The fields (and key tags) of {@code nested} as fields of {@code r}, named {@code prefix_field}. */
    private static void mergeInto(RowState r, String prefix, Point nested) {
        for (int i = 0; i < nested.tagCount(); i++) {
            String k = nested.tagKey(i);
            if (!k.equals(Schema.TAG_DEVICE) && !k.equals(Schema.TAG_SOURCE)) {
                r.addText(prefix + '_' + k, nested.tagValue(i));
            }
        }
        for (int i = 0; i < nested.fieldCount(); i++) {
            String k = prefix + '_' + nested.fieldKey(i);
            switch (nested.fieldType(i)) {
                case Point.LONG -> r.addDouble(k, nested.longValue(i));
                case Point.DOUBLE -> r.addDouble(k, nested.doubleValue(i));
                case Point.BOOLEAN -> r.addBoolean(k, nested.booleanValue(i));
                default -> r.addText(k, nested.stringValue(i));
            }
        }
    }

    /**
     * One entry of a table object: an object is one row, an array of objects is rows, anything else
     * is a column of the table object itself (which is then a row of its own, like Device/Base).
     */
    private void tableEntry(Mapping m, String name, JsonParser p, JsonToken t, int depth)
            throws IOException, DecodeException {
        if (t == START_OBJECT) {
            row(p, m, depth);
        } else if (t == START_ARRAY) {
            checkDepth(depth);
            JsonToken first = next(p);
            if (first == START_OBJECT) {
                rowsFrom(p, m, first, depth);
            } else if (first != END_ARRAY) {
                startTableRow(m);
                columnElements(tableRow, name, p, first, depth);
            }
        } else if (t != VALUE_NULL) {
            startTableRow(m);
            column(tableRow, name, p, t, depth);
        }
    }

    /** A row container sent as a string holding JSON; if it does not parse, it counts as one bad value. */
    private void tableEntryInString(Mapping m, String name, String json) throws IOException, DecodeException {
        int pendingMark = pending.size();
        int rowsMark = rows;
        boolean startedBefore = tableRowStarted;
        int fieldMark = startedBefore ? tableRow.fieldMark() : 0;
        int[] countsBefore = counts.clone();
        try (JsonParser q = factory.createParser(json)) {
            tableEntry(m, name, q, q.nextToken(), 5);
            if (q.nextToken() != null) {
                throw new JsonParseException(q, "content after the embedded JSON");
            }
        } catch (JsonProcessingException e) {
            pending.subList(pendingMark, pending.size()).clear();
            rows = rowsMark;
            tableRowStarted = startedBefore;
            if (startedBefore) {
                tableRow.truncateFields(fieldMark);
            }
            System.arraycopy(countsBefore, 0, counts, 0, counts.length);
            issue(Issue.NON_NUMERIC, name);
        }
    }

    private void startTableRow(Mapping m) throws DecodeException {
        if (!tableRowStarted) {
            countRow();
            tableRow.start(m);
            tableRowStarted = true;
        }
    }

    /** Rows of an array whose first element ({@code first}) has been read; {@code depth} is the array's. */
    private void rowsFrom(JsonParser p, Mapping m, JsonToken first, int depth) throws IOException, DecodeException {
        for (JsonToken t = first; t != END_ARRAY; t = next(p)) {
            if (t == START_OBJECT) {
                row(p, m, depth + 1);
            } else {
                skip(p, t, depth + 1);
            }
        }
    }

    private void row(JsonParser p, Mapping m, int depth) throws IOException, DecodeException {
        checkDepth(depth);
        countRow();
        RowState r = row;
        r.start(m);
        if (m != seenMapping) {
            seenMapping = m;
            Arrays.fill(seenNames, null);
        }
        int pos = 0;
        while (true) {
            SerializedString expected = pos < seenNames.length ? seenNames[pos] : null;
            String name;
            Column c;
            // rows repeat their columns in the same order: Jackson compares the input with the previous
            // row's name at this position byte by byte, which replaces its name hashing and our lookup
            if (expected != null && p.nextFieldName(expected)) {
                name = expected.getValue();
                c = seenColumns[pos];
            } else {
                JsonToken t = expected == null ? next(p) : current(p);
                if (t != FIELD_NAME) {
                    break;
                }
                name = p.currentName();
                c = m.column(name);
                if (pos < seenNames.length) {
                    seenNames[pos] = serialized(name);
                    seenColumns[pos] = c;
                }
            }
            pos++;
            column(r, c, name, p, next(p), depth + 1);
        }
        finish(r);
    }

    private void countRow() throws DecodeException {
        if (++rows > maxRows) {
            throw new DecodeException(DecodeException.TOO_MANY_ROWS, "more than " + maxRows + " rows");
        }
    }

    private void finish(RowState r) {
        if (r.missingRequiredTag()) {
            issue(Issue.ROW_WITHOUT_KEY, r.mapping.columns[r.mapping.requiredTag].source());
            return;
        }
        r.derive();
        if (!r.hasFields()) {
            issue(Issue.EMPTY_ROW, r.mapping.path);
            return;
        }
        pending.add(r.toPoint(device, rowTimeMs));
    }

    /** One column of a row; {@code depth} is the depth its value has if it is an object or array. */
    private void column(RowState r, String name, JsonParser p, JsonToken t, int depth)
            throws IOException, DecodeException {
        column(r, r.mapping.column(name), name, p, t, depth);
    }

    /** As above, with the column's mapping ({@code c}, null when unmapped) already looked up. */
    private void column(RowState r, Column c, String name, JsonParser p, JsonToken t, int depth)
            throws IOException, DecodeException {
        Mapping m = r.mapping;
        if (c != null) {
            mappedColumn(r, c, p, t, depth);
        } else if (m.generic) {
            Names.Column n = Names.column(name);
            if (n.key() && t.isScalarValue()) {
                if (t != VALUE_NULL) {
                    r.addTag(n.snake(), p.getText());
                }
            } else if (n.snake().isEmpty()) {
                skip(p, t, depth);
            } else {
                flatten(r, n.fieldKey(), name, p, t, depth);
            }
        } else if (m.keepExtras) {
            String key = Names.snake(name);
            if (key.isEmpty() || m.reserved.contains(key)) {
                skip(p, t, depth);
            } else {
                flatten(r, key, name, p, t, depth);
            }
        } else {
            skip(p, t, depth);
        }
    }

    /** Like {@link #column} for an array value whose first element token ({@code first}) was already read. */
    private void columnElements(RowState r, String name, JsonParser p, JsonToken first, int depth)
            throws IOException, DecodeException {
        Mapping m = r.mapping;
        Column c = m.column(name);
        String key = null;
        if (c != null) {
            if (c.kind() != Column.Kind.IGNORE) {
                issue(Issue.NON_NUMERIC, name);
            }
        } else if (m.generic) {
            key = Names.column(name).fieldKey();
        } else if (m.keepExtras) {
            key = Names.snake(name);
            if (m.reserved.contains(key)) {
                key = null;
            }
        }
        if (key == null || key.isEmpty()) {
            skipElements(p, first, depth);
        } else {
            flattenElements(r, key, name, p, first, depth);
        }
    }

    private void mappedColumn(RowState r, Column c, JsonParser p, JsonToken t, int depth)
            throws IOException, DecodeException {
        switch (c.kind()) {
            case IGNORE -> skip(p, t, depth);
            case TAG -> {
                if (t.isScalarValue()) {
                    if (t != VALUE_NULL) {
                        r.setText(c.index(), p.getText());
                    }
                } else {
                    skip(p, t, depth);
                }
            }
            case STRING -> {
                if (t.isScalarValue()) {
                    if (t != VALUE_NULL) {
                        r.setText(c.index(), p.getText());
                    }
                } else {
                    skip(p, t, depth);
                    issue(Issue.NON_NUMERIC, c.source());
                }
            }
            default -> numericColumn(r, c, p, t, depth);
        }
    }

    private void numericColumn(RowState r, Column c, JsonParser p, JsonToken t, int depth)
            throws IOException, DecodeException {
        switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                switch (number(p, t)) {
                    case NumberText.LONG -> storeLong(r, c, num.longValue);
                    case NumberText.DOUBLE -> storeDouble(r, c, num.doubleValue);
                    default -> issue(Issue.UINT64_OVERFLOW, c.source());
                }
            }
            case VALUE_STRING -> {
                switch (num.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
                    case NumberText.LONG -> storeLong(r, c, num.longValue);
                    case NumberText.DOUBLE -> storeDouble(r, c, num.doubleValue);
                    case NumberText.OVERFLOW -> issue(Issue.UINT64_OVERFLOW, c.source());
                    default -> {
                        // a status column may name its state ("up"): the IF-MIB number is stored
                        long state = States.ifStatus(c.target(), p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                        if (state > 0) {
                            storeLong(r, c, state);
                        } else {
                            issue(Issue.NON_NUMERIC, c.source());
                        }
                    }
                }
            }
            case VALUE_NULL -> {
            }
            default -> {
                skip(p, t, depth);
                issue(Issue.NON_NUMERIC, c.source());
            }
        }
    }

    /**
     * A JSON number token ({@code t}) as {@link NumberText#parse} classifies it, with its value left in
     * {@link #num}: LONG, DOUBLE (finite), or OVERFLOW (an integer beyond the signed 64-bit range, or
     * a float beyond the double range).
     *
     * <p>A token longer than {@link #SHORT_NUMBER} characters is never handed to Jackson's number
     * parsing, whose cost on long digit strings depends on its version (BigInteger parsing is
     * quadratic): {@link NumberText} reads its text in linear time, and an integer that long is
     * always OVERFLOW. The factory lets numbers of any length through (see {@link H3cDecoder}), so a
     * very long number costs that field only.
     */
    private int number(JsonParser p, JsonToken t) throws IOException {
        int len = p.getTextLength();
        if (len > SHORT_NUMBER) {
            int kind = num.parse(p.getTextCharacters(), p.getTextOffset(), len);
            return kind == NumberText.NONE ? NumberText.OVERFLOW : kind; // NONE cannot happen for a number token
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            try {
                num.longValue = p.getLongValue();
                return NumberText.LONG;
            } catch (InputCoercionException e) {
                return NumberText.OVERFLOW; // 19 or 20 digits beyond the long range
            }
        }
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
            return NumberText.OVERFLOW;
        }
        num.doubleValue = d;
        return NumberText.DOUBLE;
    }

    private void storeLong(RowState r, Column c, long v) {
        Mapping m = r.mapping;
        if (m.hasNotAvailable && v == m.notAvailable) {
            issue(Issue.NOT_AVAILABLE, c.source());
        } else if (c.kind() == Column.Kind.INT) {
            try {
                r.setLong(c.index(), c.transform().apply(v));
            } catch (ArithmeticException e) {
                issue(Issue.UINT64_OVERFLOW, c.source());
            }
        } else {
            r.setDouble(c.index(), c.transform().apply((double) v));
        }
    }

    private void storeDouble(RowState r, Column c, double v) {
        Mapping m = r.mapping;
        if (m.hasNotAvailable && v == m.notAvailable) {
            issue(Issue.NOT_AVAILABLE, c.source());
            return;
        }
        double x = c.transform().apply(v);
        if (!Double.isFinite(x)) {
            issue(Issue.UINT64_OVERFLOW, c.source());
        } else if (c.kind() == Column.Kind.INT) {
            if (x >= 0x1p63 || x < -0x1p63) {
                issue(Issue.UINT64_OVERFLOW, c.source());
            } else {
                r.setLong(c.index(), Math.round(x));
            }
        } else {
            r.setDouble(c.index(), x);
        }
    }

    /**
     * An unmapped value as float/boolean fields named {@code key}: objects flatten with '_',
     * arrays with '_' and the element index. {@code column} is the row's column, for the log.
     */
    private void flatten(RowState r, String key, String column, JsonParser p, JsonToken t, int depth)
            throws IOException, DecodeException {
        switch (t) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                switch (number(p, t)) {
                    case NumberText.LONG -> addNumber(r, key, column, num.longValue);
                    case NumberText.DOUBLE -> addNumber(r, key, column, num.doubleValue);
                    default -> issue(Issue.UINT64_OVERFLOW, column);
                }
            }
            case VALUE_STRING -> stringLeaf(r, key, column, p, depth);
            case VALUE_TRUE -> r.addBoolean(key, true);
            case VALUE_FALSE -> r.addBoolean(key, false);
            case START_OBJECT -> {
                checkDepth(depth);
                JsonToken n;
                while ((n = next(p)) == FIELD_NAME) {
                    String child = Names.snake(p.currentName());
                    JsonToken v = next(p);
                    flatten(r, child.isEmpty() ? key : key + '_' + child, column, p, v, depth + 1);
                }
            }
            case START_ARRAY -> {
                checkDepth(depth);
                flattenElements(r, key, column, p, next(p), depth);
            }
            default -> {
            }
        }
    }

    private void flattenElements(RowState r, String key, String column, JsonParser p, JsonToken first, int depth)
            throws IOException, DecodeException {
        int i = 0;
        for (JsonToken t = first; t != END_ARRAY; t = next(p)) {
            flatten(r, key + '_' + i, column, p, t, depth + 1);
            i++;
        }
    }

    private void addNumber(RowState r, String key, String column, double v) {
        Mapping m = r.mapping;
        if (m.hasNotAvailable && v == m.notAvailable) {
            issue(Issue.NOT_AVAILABLE, column);
        } else {
            r.addDouble(key, v);
        }
    }

    private void stringLeaf(RowState r, String key, String column, JsonParser p, int depth)
            throws IOException, DecodeException {
        char[] b = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        switch (num.parse(b, off, len)) {
            case NumberText.LONG -> addNumber(r, key, column, num.longValue);
            case NumberText.DOUBLE -> addNumber(r, key, column, num.doubleValue);
            case NumberText.OVERFLOW -> issue(Issue.UINT64_OVERFLOW, column);
            default -> {
                if (NumberText.holdsJson(b, off, len)) {
                    embeddedLeaf(r, key, column, p.getText(), depth);
                } else if (States.notAvailable(b, off, len)) {
                    issue(Issue.NOT_AVAILABLE, column);
                } else if (States.isWord(b, off, len)) {
                    r.addText(key, p.getText()); // a state ("Normal", "enable"): data, not bad input
                } else {
                    issue(Issue.NON_NUMERIC, column);
                }
            }
        }
    }

    /** A value sent as a string holding JSON ({@code "[1,2,3]"}); if it does not parse, it is one bad value. */
    private void embeddedLeaf(RowState r, String key, String column, String json, int depth)
            throws IOException, DecodeException {
        int mark = r.fieldMark();
        int[] countsBefore = counts.clone();
        try (JsonParser q = factory.createParser(json)) {
            flatten(r, key, column, q, q.nextToken(), depth);
            if (q.nextToken() != null) {
                throw new JsonParseException(q, "content after the embedded JSON");
            }
        } catch (JsonProcessingException e) {
            r.truncateFields(mark);
            System.arraycopy(countsBefore, 0, counts, 0, counts.length);
            issue(Issue.NON_NUMERIC, column);
        }
    }

    private void skip(JsonParser p, JsonToken t, int depth) throws IOException, DecodeException {
        if (t != START_OBJECT && t != START_ARRAY) {
            return;
        }
        checkDepth(depth);
        int open = 1;
        while (open > 0) {
            JsonToken n = next(p);
            if (n == START_OBJECT || n == START_ARRAY) {
                open++;
                checkDepth(depth + open - 1);
            } else if (n == JsonToken.END_OBJECT || n == END_ARRAY) {
                open--;
            }
        }
    }

    /** Skips the rest of an array whose first element token ({@code first}) was already read. */
    private void skipElements(JsonParser p, JsonToken first, int depth) throws IOException, DecodeException {
        for (JsonToken t = first; t != END_ARRAY; t = next(p)) {
            skip(p, t, depth + 1);
        }
    }

    private void checkDepth(int depth) throws DecodeException {
        if (depth > maxDepth) {
            throw new DecodeException(DecodeException.TOO_DEEP, "nested deeper than " + maxDepth + " levels");
        }
    }

    private void issue(Issue issue, String column) {
        int i = issue.ordinal();
        if (counts[i]++ == 0) {
            firstColumn[i] = column;
        }
    }

    /**
     * The name as Jackson matches it ahead ({@link JsonParser#nextFieldName(SerializableString)}), one per
     * name; null for a name with an unpaired surrogate (possible in a table sent as a string holding
     * JSON), which has no UTF-8 form to compare with: that position is then read without prediction.
     */
    private SerializedString serialized(String name) {
        SerializedString s = serializedNames.get(name);
        if (s == null) {
            if (hasUnpairedSurrogate(name)) {
                return null;
            }
            if (serializedNames.size() >= MAX_SERIALIZED_NAMES) {
                serializedNames.clear(); // input with ever-new names: start over rather than grow
            }
            s = new SerializedString(name);
            serializedNames.put(name, s);
        }
        return s;
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The current token after a failed {@link JsonParser#nextFieldName(SerializableString)}; as {@link #next}. */
    private static JsonToken current(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new JsonEOFException(p, null, "unexpected end of input");
        }
        return t;
    }

    private static JsonToken next(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new JsonEOFException(p, null, "unexpected end of input");
        }
        return t;
    }
}
