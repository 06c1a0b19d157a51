package io.teleflux.snmp;

import io.teleflux.snmp.IfMib.Column;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;

import java.util.EnumMap;
import java.util.Set;
import java.util.SortedMap;

/**
 * What one successful poll of one device returned.
 *
 * @param timeMs    when the last answer of the walk arrived: the timestamp of every point of the poll
 * @param sysUpTime sysUpTime.0 in hundredths of a second, or -1 when the agent did not give it
 * @param sysName   sysName.0, or null when it was not asked for or not given
 * @param rows      the interface table by ifIndex (as an OID suffix)
 * @param warnings  problems already seen while talking to the agent
 */
record PollData(long timeMs, long sysUpTime, Text sysName, SortedMap<OID, EnumMap<Column, Variable>> rows,
                Set<Warning> warnings) {
}
