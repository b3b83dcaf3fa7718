namespace Orleans.GvmRaft.Policy.Sampling;

/// <summary>
/// One generated response: its new tokens (ending with the stop token when one was drawn) and each
/// token's log-probability under the temperature-scaled model distribution, before top-k/top-p
/// truncation, which is what importance ratios against the sampling policy would need (several optimiser steps per batch).
/// </summary>
public sealed record Generation(int[] Tokens, float[] LogProbs, bool Stopped);
