package dev.blockstep.app.cli;

import dev.blockstep.engine.fix.FixVariant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --fix} and {@code --fix=VARIANT}, the same on every command that runs the engine: bare {@code --fix}
 * is {@code patch}; an unknown name is a one-line error listing the valid ones. A variant is taken only when
 * attached with '=' so that {@code --fix SCENARIO} keeps SCENARIO positional.
 */
public final class FixOption {

    @Option(names = "--fix", arity = "0..1", paramLabel = "VARIANT", fallbackValue = "patch",
            converter = Converter.class,
            description = "Run under a fix variant: --fix is patch; --fix=VARIANT picks one of none, patch, wrapper, "
                    + "unmap-only, patch+post-detect-zeroes (verify --fix-variants says where each gate sits).")
    FixVariant variant;

    /** The variant asked for, or null when the option was not given. */
    public FixVariant chosen() {
        return variant;
    }

    /** The variant asked for, or {@code otherwise}. */
    public FixVariant orElse(FixVariant otherwise) {
        return variant != null ? variant : otherwise;
    }

    /** A variant name as the command line spells it. */
    public static final class Converter implements ITypeConverter<FixVariant> {
        @Override
        public FixVariant convert(String value) {
            try {
                return FixVariant.byId(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
