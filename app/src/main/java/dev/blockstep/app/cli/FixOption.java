package dev.blockstep.app.cli;

import dev.blockstep.engine.fix.FixVariant;
import java.util.Stack;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --fix} and {@code --fix=VARIANT}, the same on every command that runs the engine: bare {@code --fix}
 * is {@code patch}; an unknown name is a one-line error listing the valid ones. The argument after {@code --fix}
 * is taken as its variant only when it is a variant name or cannot be a file name (no '.' or '/'), so that
 * {@code --fix SCENARIO.json} keeps the scenario positional; {@code --fix=VARIANT} always names one.
 */
public final class FixOption {

    @Option(names = "--fix", arity = "0..1", paramLabel = "VARIANT", parameterConsumer = Consumer.class,
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

    /** Takes the variant name after {@code --fix}, or none (then {@code patch}); see the class comment. */
    public static final class Consumer implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            FixVariant v = FixVariant.PATCH;
            if (!args.isEmpty() && !args.peek().startsWith("-")) {
                String next = args.peek();
                boolean name = FixVariant.all().stream().anyMatch(f -> f.id().equals(next));
                if (name || !next.contains(".") && !next.contains("/")) {
                    args.pop();
                    try {
                        v = FixVariant.byId(next);
                    } catch (IllegalArgumentException e) {
                        throw new ParameterException(commandSpec.commandLine(), "--fix: " + e.getMessage());
                    }
                }
            }
            argSpec.setValue(v);
        }
    }
}
