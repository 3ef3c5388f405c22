package dev.blockstep.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The digest keeps each page's hash until the page changes: every way of changing bytes must drop it. */
class HostFileDigestTest {

    private static List<Long> digest(HostFile f) {
        List<Long> out = new ArrayList<>();
        f.digest(out::add);
        return out;
    }

    /** The same bytes, written in one go into a fresh file: what {@code f} must digest like. */
    private static List<Long> fresh(HostFile f) {
        HostFile g = new HostFile();
        g.write(0, f.read(0, (int) f.length()));
        return digest(g);
    }

    @Test
    void everyChangeOfAHashedPageShowsInTheDigest() {
        HostFile f = new HostFile();
        f.write(0, new byte[3 * 4096]);
        f.fill(0, 8192, (byte) 0x11);
        List<Long> before = digest(f);
        assertEquals(fresh(f), before);

        f.write(10, new byte[] {1, 2, 3});            // in place, into a page whose hash is known
        assertEquals(fresh(f), digest(f));
        assertNotEquals(before, digest(f));

        digest(f);
        f.writeBe64(4096 + 16, 0x1122334455667788L);    // a shared filled page, copied on write
        assertEquals(fresh(f), digest(f));

        digest(f);
        f.punch(4096, 4096);                          // a whole page dropped
        assertEquals(fresh(f), digest(f));

        digest(f);
        f.punch(0, 100);                              // part of a page zeroed in place
        assertEquals(fresh(f), digest(f));

        digest(f);
        f.fill(8192, 4096, (byte) 0x22);              // a whole page replaced by a shared one
        assertEquals(fresh(f), digest(f));
    }

    @Test
    void aCopyAndItsSourceKeepTheirOwnHashes() {
        HostFile f = new HostFile();
        f.fill(0, 8192, (byte) 0x33);
        f.write(5, new byte[] {9});
        f.hashPages();
        HostFile c = f.copy();
        List<Long> original = digest(f);
        c.write(5, new byte[] {7});
        f.write(4096, new byte[] {8});
        assertEquals(fresh(c), digest(c));
        assertEquals(fresh(f), digest(f));
        assertNotEquals(original, digest(f));
    }

    @Test
    void aPageOfZerosDigestsAsAHole() {
        HostFile f = new HostFile();
        f.write(0, new byte[] {1});
        f.write(0, new byte[] {0});
        HostFile hole = new HostFile();
        hole.writeZeroes(0, 1);
        assertEquals(digest(hole), digest(f));
    }
}
