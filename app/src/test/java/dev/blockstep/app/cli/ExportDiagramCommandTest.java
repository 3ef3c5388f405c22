package dev.blockstep.app.cli;

import static dev.blockstep.app.cli.CheckCommandTest.blockstep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.blockstep.app.cli.CheckCommandTest.Run;
import dev.blockstep.app.diagram.ThemeColours;
import dev.blockstep.samples.Samples;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blockstep export-diagram} on the minimal race: the race window, the free inside it and the relink. */
class ExportDiagramCommandTest {

    @TempDir
    Path dir;

    private Path sample(String name) throws Exception {
        Path p = dir.resolve(name + ".json");
        try (InputStream in = Samples.class.getResourceAsStream(Samples.resource(name))) {
            Files.copy(in, p);
        }
        return p;
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void theSvgShowsBothLanesOneRaceWindowItsRelinkAndTheFreeInsideItOnBothLanes() throws Exception {
        Path out = dir.resolve("race.svg");
        Run r = blockstep("export-diagram", "-o", out.toString(), sample("minimal-race").toString());
        assertEquals(0, r.exitCode(), r.stderr());
        String svg = Files.readString(out);
        assertTrue(svg.startsWith("<?xml") && svg.trim().endsWith("</svg>"));
        assertTrue(svg.contains(">W1</text>") && svg.contains(">Z2</text>"), svg);
        String drop = ThemeColours.light().get("drop");
        assertEquals(2, count(svg, "<rect [^>]*fill-opacity=\"0\\.22\" stroke=\"" + drop + "\""),
                "one race window band, on W1's lane, and its legend swatch");
        assertEquals(1, count(svg, ">relink</text>"));
        String bad = ThemeColours.light().get("bad");
        assertEquals(4, count(svg, "<line [^>]*stroke=\"" + bad + "\" stroke-width=\"2\\.5\""),
                "a cross (two strokes) on W1's and on Z2's lane where Z2 frees host cluster 5");
    }

    @Test
    void thePngIsTheSameDiagramAtTwiceTheSizeWithTheLockHeldColourDrawn() throws Exception {
        Path out = dir.resolve("race.png");
        Run r = blockstep("export-diagram", "-o", out.toString(), sample("minimal-race").toString());
        assertEquals(0, r.exitCode(), r.stderr());
        BufferedImage img = ImageIO.read(out.toFile());
        assertTrue(img.getWidth() > 1000 && img.getHeight() > 200, img.getWidth() + "x" + img.getHeight());
        int lock = 0xff000000 | Integer.parseInt(ThemeColours.light().get("lock").substring(1), 16);
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += img.getRGB(x, y) == lock ? 1 : 0;
            }
        }
        assertTrue(n > 1000, "lock-held spans drawn: " + n + " pixels");
    }

    @Test
    void anOutputThatIsNeitherSvgNorPngIsRefusedInOneLineAndNothingIsWritten() throws Exception {
        Path out = dir.resolve("race.txt");
        Run r = blockstep("export-diagram", "-o", out.toString(), sample("minimal-race").toString());
        assertEquals(1, r.exitCode());
        assertEquals("blockstep export-diagram: " + out + ": expected a file name ending in .svg or .png\n",
                r.stderr());
        assertFalse(Files.exists(out));
    }
}
