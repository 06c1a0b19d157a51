package io.teleflux.sim.snmp;

import org.snmp4j.PDU;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

import java.util.List;

/**
 * GET, GETNEXT and GETBULK (RFC 3416 §4.2.1-4.2.3) over one device's {@link OidLayout}, with
 * every value read from one {@link DeviceInstant}, i.e. at one instant per response.
 *
 * <p>No network here: a request PDU in, a response PDU out, so the protocol rules are tested
 * without sockets. Responses are bounded by {@link #MAX_VARBINDS} and by a byte budget for the
 * variable bindings; a GETBULK is truncated to fit, as the RFC allows, while a GET or GETNEXT that
 * does not fit gets {@code tooBig}.
 */
final class MibResponder {
    /** The local limit on variable bindings per response, whatever max-repetitions asks for. */
    static final int MAX_VARBINDS = 2048;

    /** Per worker thread: the response under construction and its reusable slots. */
    static final class Scratch {
        final Slot[] slots = new Slot[MAX_VARBINDS];
        final int[] cursorRow = new int[MAX_VARBINDS];
        final OID[] cursorOid = new OID[MAX_VARBINDS];
        final DeviceInstant view;

        Scratch(DeviceInstant view) {
            this.view = view;
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new Slot();
            }
        }
    }

    private MibResponder() {
    }

    /**
     * Fills {@code response} (cleared first; type, request ID and context are the caller's) with
     * the answer to {@code request} from {@code scratch.view}; the varbinds refer to scratch slots
     * and are valid until the next call with the same scratch.
     *
     * @param maxVarbindBytes the BER size the variable bindings may take in total
     * @return the number of variable bindings, or -1 for an unsupported PDU type (no answer)
     */
    static int respond(PDU request, OidLayout layout, Scratch scratch, PDU response, int maxVarbindBytes) {
        reset(response, request);
        List<? extends VariableBinding> req = request.getVariableBindings();
        int n = switch (request.getType()) {
            case PDU.GET -> get(req, layout, scratch, response, maxVarbindBytes);
            case PDU.GETNEXT -> getNext(req, layout, scratch, response, maxVarbindBytes);
            case PDU.GETBULK -> getBulk(req, request.getNonRepeaters(), request.getMaxRepetitions(), layout, scratch,
                    response, maxVarbindBytes);
            case PDU.SET -> refuseSet(req, response);
            default -> -1;
        };
        if (n == TOO_BIG) {
            reset(response, request);
            response.setErrorStatus(PDU.tooBig);
            return 0;
        }
        return n;
    }

    /** RFC 3413 §3.2 step 5: access denied by the view, answered with the request's bindings. */
    static void deny(PDU request, PDU response) {
        reset(response, request);
        response.addAll(request.getVariableBindings());
        response.setErrorStatus(PDU.authorizationError);
    }

    /** {@link PDU#clear()} keeps the error fields, so a reused response PDU needs them reset too. */
    private static void reset(PDU response, PDU request) {
        response.clear();
        response.setType(PDU.RESPONSE);
        response.setRequestID(request.getRequestID());
        response.setErrorStatus(PDU.noError);
        response.setErrorIndex(0);
    }

    private static final int TOO_BIG = -2;

    private static int get(List<? extends VariableBinding> req, OidLayout layout, Scratch s, PDU response, int budget) {
        if (req.size() > MAX_VARBINDS) {
            return TOO_BIG;
        }
        int bytes = 0;
        for (int i = 0; i < req.size(); i++) {
            OID asked = req.get(i).getOid();
            int[] raw = asked.getValue();
            int row = layout.find(raw);
            VariableBinding vb = s.slots[i].vb;
            if (row >= 0) {
                vb.setOid(layout.oid(row));
                vb.setVariable(s.view.value(layout, row, s.slots[i]));
            } else {
                vb.setOid(asked);
                vb.setVariable(layout.isInstanceOfKnownObject(raw) ? Null.noSuchInstance : Null.noSuchObject);
            }
            bytes += vb.getBERLength();
            if (bytes > budget) {
                return TOO_BIG;
            }
            response.add(vb);
        }
        return req.size();
    }

    private static int getNext(List<? extends VariableBinding> req, OidLayout layout, Scratch s, PDU response,
                               int budget) {
        if (req.size() > MAX_VARBINDS) {
            return TOO_BIG;
        }
        int bytes = 0;
        for (int i = 0; i < req.size(); i++) {
            OID asked = req.get(i).getOid();
            VariableBinding vb = next(layout, layout.next(asked.getValue()), asked, s.slots[i], s.view);
            bytes += vb.getBERLength();
            if (bytes > budget) {
                return TOO_BIG;
            }
            response.add(vb);
        }
        return req.size();
    }

    /**
     * RFC 3416 §4.2.3: the first N bindings are GETNEXTs, the other R are walked for up to M
     * repetitions. Stops early after a repetition in which every walk is past the end, at
     * {@link #MAX_VARBINDS}, or when the next binding would exceed the byte budget.
     */
    private static int getBulk(List<? extends VariableBinding> req, int nonRepeaters, int maxRepetitions,
                               OidLayout layout, Scratch s, PDU response, int budget) {
        int l = req.size();
        int n = Math.max(Math.min(nonRepeaters, l), 0);
        int m = Math.max(maxRepetitions, 0);
        int r = l - n;
        int count = 0;
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            if (count == MAX_VARBINDS) {
                return count;
            }
            OID asked = req.get(i).getOid();
            VariableBinding vb = next(layout, layout.next(asked.getValue()), asked, s.slots[count], s.view);
            bytes += vb.getBERLength();
            if (bytes > budget) {
                return count == 0 ? TOO_BIG : count;
            }
            response.add(vb);
            count++;
        }
        if (r == 0 || m == 0) {
            return count;
        }
        if (r > MAX_VARBINDS) {
            r = MAX_VARBINDS;
        }
        for (int k = 0; k < r; k++) {
            OID asked = req.get(n + k).getOid();
            s.cursorOid[k] = asked;
            s.cursorRow[k] = layout.next(asked.getValue());
        }
        for (int rep = 0; rep < m; rep++) {
            boolean allEnded = true;
            for (int k = 0; k < r; k++) {
                if (count == MAX_VARBINDS) {
                    return count;
                }
                int row = s.cursorRow[k];
                VariableBinding vb = next(layout, row, s.cursorOid[k], s.slots[count], s.view);
                bytes += vb.getBERLength();
                if (bytes > budget) {
                    return count == 0 ? TOO_BIG : count;
                }
                response.add(vb);
                count++;
                if (row < layout.size()) {
                    allEnded = false;
                    s.cursorOid[k] = layout.oid(row);
                    s.cursorRow[k] = row + 1;
                }
            }
            if (allEnded) {
                break;
            }
        }
        return count;
    }

    /** The binding for {@code row}, or {@code endOfMibView} under the name asked for when past the end. */
    private static VariableBinding next(OidLayout layout, int row, OID asked, Slot slot, DeviceInstant view) {
        VariableBinding vb = slot.vb;
        if (row >= layout.size()) {
            vb.setOid(asked);
            vb.setVariable(Null.endOfMibView);
        } else {
            vb.setOid(layout.oid(row));
            vb.setVariable(view.value(layout, row, slot));
        }
        return vb;
    }

    /** The agent is read-only: every SET is refused on its first binding, as a read-only community is. */
    private static int refuseSet(List<? extends VariableBinding> req, PDU response) {
        for (VariableBinding vb : req) {
            response.add(vb);
        }
        response.setErrorStatus(PDU.noAccess);
        response.setErrorIndex(req.isEmpty() ? 0 : 1);
        return req.size();
    }
}
