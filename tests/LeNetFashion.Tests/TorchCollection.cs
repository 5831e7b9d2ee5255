using Xunit;

namespace LeNetFashion.Tests;

/// <summary>Tests that use TorchSharp share native state (global generator, thread pools) and run one at a time.</summary>
[CollectionDefinition("Torch", DisableParallelization = true)]
public sealed class TorchCollection;
