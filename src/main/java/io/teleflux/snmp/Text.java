package io.teleflux.snmp;

import org.snmp4j.smi.OctetString;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * An SNMP OctetString (ifName, ifDescr, ifAlias, sysName) as text. The MIB says "DisplayString",
 * but devices put UTF-8, Latin-1 or arbitrary bytes there.
 *
 * @param value the text: UTF-8 when the bytes are valid UTF-8, else Latin-1 when every byte is a
 *              printable Latin-1 character, else the bytes in hex ({@code 0a:ff:01})
 * @param hex   whether the bytes could not be read as text at all
 */
record Text(String value, boolean hex) {

    static Text of(OctetString s) {
        byte[] b = s.getValue();
        int len = b.length;
        while (len > 0 && b[len - 1] == 0) {
            len--; // NUL padding, as some agents send it, is not part of the name
        }
        try {
            String utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, 0, len)).toString();
            if (utf8.chars().noneMatch(Character::isISOControl)) {
                return new Text(utf8, false);
            }
        } catch (CharacterCodingException e) {
            // not UTF-8: try Latin-1 below
        }
        boolean latin1 = true;
        for (int i = 0; i < len && latin1; i++) {
            int u = b[i] & 0xff;
            latin1 = (u >= 0x20 && u < 0x7f) || u >= 0xa0;
        }
        if (latin1) {
            return new Text(new String(b, 0, len, StandardCharsets.ISO_8859_1), false);
        }
        StringBuilder hex = new StringBuilder(len * 3);
        for (int i = 0; i < len; i++) {
            if (i > 0) {
                hex.append(':');
            }
            hex.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
        }
        return new Text(hex.toString(), true);
    }
}
