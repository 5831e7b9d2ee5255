// LeNet's training step with LENET_KERNELS=managed against libtorch (Runtime/Kernels.cs) in alternating rounds inside
// one process (AlternatingTraining: 200 batches of 64 real images, second pass timed, ROUNDS rounds, default 6), so the
// machine's drift between whole processes does not enter; the weights' hashes show the two modes train bitwise alike.
// KERNEL_MODE=maxpool or adam compares that single managed path against libtorch instead of both.
internal static class KernelModes
{
    public static void Run()
    {
        var managed = Environment.GetEnvironmentVariable("KERNEL_MODE") ?? "managed";
        AlternatingTraining.Run(
            int.Parse(Environment.GetEnvironmentVariable("ROUNDS") ?? "6"),
            ["libtorch", managed],
            v =>
            {
                LeNetFashion.Runtime.Kernels.Set(v == 0 ? "libtorch" : managed);
                return new LeNetFashion.Models.LeNet();
            },
            (v, model, input) => model.forward(input));
    }
}
