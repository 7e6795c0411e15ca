package io.memscope.trainer.backend;

/**
 * Which device a run computes on, as {@code --device} names it: {@code cpu} (the CPU backend, simulating a device
 * of the budget's size), {@code cuda} (the first CUDA device) or {@code cuda:N}.
 *
 * @param cuda    true for a CUDA device
 * @param ordinal the CUDA device's number (0 for the CPU)
 */
public record DeviceSpec(boolean cuda, int ordinal) {
    public static final DeviceSpec CPU = new DeviceSpec(false, 0);

    public DeviceSpec {
        if (ordinal < 0 || (!cuda && ordinal != 0)) {
            throw new IllegalArgumentException("no device " + (cuda ? "cuda:" : "cpu:") + ordinal);
        }
    }

    public static DeviceSpec parse(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("cuda") || t.equals("gpu")) {
            return new DeviceSpec(true, 0);
        }
        if (t.startsWith("cuda:")) {
            try {
                int n = Integer.parseInt(t.substring(5));
                if (n >= 0) {
                    return new DeviceSpec(true, n);
                }
            } catch (NumberFormatException e) {
                // worded below
            }
        }
        throw new IllegalArgumentException("the device is cpu, cuda or cuda:N ('memscope devices' lists them), got '"
                + text + "'");
    }

    @Override
    public String toString() {
        return cuda ? "cuda:" + ordinal : "cpu";
    }
}
