#!/usr/bin/env python3
"""Exports real model architectures to ONNX (random weights) and imports them.

    export_models.py [--cache .cache/models] [--models resnet50,...] [--force]
    export_models.py --check build/bin/dlc      export what is missing, then
                                                import each model with
                                                `dlc MODEL --emit=graph -o /dev/null`

Models (all with random weights from a fixed seed, batch 1, static shapes,
exported with the TorchScript exporter, dynamo=False, opset 17):
  resnet50      torchvision ResNet-50, input float[1,3,224,224]
  mobilenet_v2  torchvision MobileNetV2, input float[1,3,224,224]; its
                BatchNorm statistics calibrated on random inputs
  bert_base     BERT-base encoder (12 layers, hidden 768, 12 heads,
                intermediate 3072, vocabulary 30522), inputs int64[1,128]
                input_ids and attention_mask; Hugging Face transformers'
                BertModel(BertConfig()) when transformers is installed, else
                the equivalent plain-torch encoder defined below.
Small configurations of more architecture families (seconds each to
export, compile and run; the token-id models' vocabulary of 1000 is
recorded as the ONNX metadata "vocab_size" for compare_models.py):
  vit_small     transformers ViTModel: image 64, patch 16, 2 layers, hidden
                192, 3 heads, intermediate 768 (eager attention); input
                float[1,3,64,64]
  swin_tiny     transformers SwinModel: image 64, patch 4, embed 32, depths
                2,2, heads 2,4, window 4; input float[1,3,64,64] (its
                shifted-window attention masks are built at run time from the
                feature map's size: about 3000 nodes, 18 ONNX ScatterND)
  gpt2_small    transformers GPT2Model, decoder only with its causal mask: 2
                layers, hidden 128, 4 heads, 64 positions; inputs int64[1,32]
                input_ids and attention_mask
  llama_small   transformers LlamaModel, decoder only (RMSNorm, rotary
                positions, SiLU-gated MLP, grouped-query attention): 2 layers,
                hidden 128, 4 heads, 2 key-value heads, intermediate 256;
                inputs int64[1,32] input_ids and attention_mask (the padding
                mask merged into the causal one by an ONNX ScatterND)
  whisper_tiny  transformers WhisperModel, encoder-decoder: 16 mel bins x 64
                frames (2 convolutions, 32 encoder positions), 2+2 layers,
                d_model 128, 4 heads, ffn 256; inputs float[1,16,64]
                input_features and int64[1,16] decoder_input_ids (ONNX Trilu
                for the decoder's causal mask)
  lstm          torch nn.LSTM, 2 layers, input 64, hidden 128, over
                float[1,32,64] (batch first), a Linear head to 10 (ONNX LSTM)
  gru           torch nn.GRU, 1 bidirectional layer, input 64, hidden 128,
                over float[1,16,64], a Linear head to 10 (ONNX GRU; 16 steps:
                dlc unrolls the recurrence, and 32 steps both ways took 19 s
                to compile)
  lraspp_mobilenet  torchvision lraspp_mobilenet_v3_large (weights=None,
                weights_backbone=None, 21 classes) on float[1,3,128,128],
                output float[1,21,128,128] (HardSwish, HardSigmoid, bilinear
                Resize); BatchNorm statistics calibrated on random inputs
A model already in the cache is not exported again unless --force.
With --check, prints one line per model (pass/fail, time taken; for a failure
the error, e.g. the list of ONNX operators dlc does not support yet) and exits
with 1 when any model fails to export or import.
"""

import argparse
import math
import os
import re
import subprocess
import sys
import time

SEED = 0
OPSET = 17
BERT_SEQ = 128
MODELS = ("resnet50", "mobilenet_v2", "bert_base", "vit_small", "swin_tiny",
          "gpt2_small", "llama_small", "whisper_tiny", "lstm", "gru",
          "lraspp_mobilenet")
# Models whose token ids come from a small vocabulary: the exported file
# records it as metadata "vocab_size" and compare_models.py draws its
# random ids below it.
VOCAB = 1000


# ---------------------------------------------------------------------------
# Plain-torch BERT-base (used only when transformers is not installed).
# Same structure and parameter shapes as transformers' BertModel.
# ---------------------------------------------------------------------------

def plain_bert(torch):
    nn = torch.nn

    class Embeddings(nn.Module):
        def __init__(self, vocab, hidden, positions, types):
            super().__init__()
            self.word_embeddings = nn.Embedding(vocab, hidden, padding_idx=0)
            self.position_embeddings = nn.Embedding(positions, hidden)
            self.token_type_embeddings = nn.Embedding(types, hidden)
            self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)

        def forward(self, input_ids, token_type_ids):
            seq = input_ids.shape[1]
            positions = torch.arange(seq, device=input_ids.device)[None, :]
            x = (self.word_embeddings(input_ids) +
                 self.position_embeddings(positions) +
                 self.token_type_embeddings(token_type_ids))
            return self.LayerNorm(x)

    class Layer(nn.Module):
        def __init__(self, hidden, heads, inter):
            super().__init__()
            self.heads, self.head_dim = heads, hidden // heads
            self.query = nn.Linear(hidden, hidden)
            self.key = nn.Linear(hidden, hidden)
            self.value = nn.Linear(hidden, hidden)
            self.attn_out = nn.Linear(hidden, hidden)
            self.attn_norm = nn.LayerNorm(hidden, eps=1e-12)
            self.intermediate = nn.Linear(hidden, inter)
            self.output = nn.Linear(inter, hidden)
            self.out_norm = nn.LayerNorm(hidden, eps=1e-12)

        def split(self, x):
            b, s, _ = x.shape
            return x.view(b, s, self.heads, self.head_dim).permute(0, 2, 1, 3)

        def forward(self, x, mask):
            q, k, v = (self.split(self.query(x)), self.split(self.key(x)),
                       self.split(self.value(x)))
            scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + mask
            ctx = torch.softmax(scores, dim=-1) @ v
            b, h, s, d = ctx.shape
            ctx = ctx.permute(0, 2, 1, 3).reshape(b, s, h * d)
            x = self.attn_norm(x + self.attn_out(ctx))
            y = self.output(nn.functional.gelu(self.intermediate(x)))
            return self.out_norm(x + y)

    class Bert(nn.Module):
        def __init__(self, vocab=30522, hidden=768, layers=12, heads=12,
                     inter=3072, positions=512, types=2):
            super().__init__()
            self.embeddings = Embeddings(vocab, hidden, positions, types)
            self.layers = nn.ModuleList(Layer(hidden, heads, inter)
                                        for _ in range(layers))
            self.pooler = nn.Linear(hidden, hidden)
            for m in self.modules():  # BERT's initializer_range = 0.02
                if isinstance(m, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(m.weight, std=0.02)
                if isinstance(m, nn.Linear):
                    nn.init.zeros_(m.bias)

        def forward(self, input_ids, attention_mask):
            token_types = torch.zeros_like(input_ids)
            x = self.embeddings(input_ids, token_types)
            mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * \
                torch.finfo(x.dtype).min
            for layer in self.layers:
                x = layer(x, mask)
            pooled = torch.tanh(self.pooler(x[:, 0]))
            return x, pooled

    return Bert()


# ---------------------------------------------------------------------------
# Builders: (module, example inputs, input names, output names, description)
# ---------------------------------------------------------------------------

def calibrate_batch_norm(net, torch, size=224):
    """Sets the BatchNorm statistics from random inputs, as training would.
    With torchvision's initialization and unit running variances,
    MobileNetV2's activations shrink about tenfold per stage (logits near
    1e-9, below what fp16 can hold); a trained network's normalizations
    keep them near unit scale, and so do these statistics."""
    gen = torch.Generator().manual_seed(SEED + 1)
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # a cumulative average over the batches
    net.train()
    with torch.no_grad():
        for _ in range(4):
            net(torch.randn(8, 3, size, size, generator=gen))
    net.eval()


class HFWrapper:
    """A torch module calling a Hugging Face model with keyword inputs and
    returning the chosen outputs as a tuple."""

    @staticmethod
    def make(torch, model, in_names, outputs):
        class Wrapper(torch.nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, *args):
                out = self.m(**dict(zip(in_names, args)), return_dict=True)
                return tuple(getattr(out, o) for o in outputs)

        return Wrapper(model)


def hf_offline():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import transformers
    return transformers


def build_family(name, torch):
    """The small configurations of the other architecture families."""
    gen = torch.Generator().manual_seed(SEED)
    if name == "vit_small":
        tf = hf_offline()
        config = tf.ViTConfig(image_size=64, patch_size=16, hidden_size=192,
                              num_hidden_layers=2, num_attention_heads=3,
                              intermediate_size=768,
                              attn_implementation="eager")
        net = HFWrapper.make(torch, tf.ViTModel(config), ["pixel_values"],
                             ["last_hidden_state", "pooler_output"])
        x = torch.randn(1, 3, 64, 64, generator=gen)
        return (net, (x,), ["pixel_values"],
                ["last_hidden_state", "pooler_output"],
                "transformers ViTModel (image 64, patch 16, 2 layers, hidden "
                "192, 3 heads)")
    if name == "swin_tiny":
        tf = hf_offline()
        config = tf.SwinConfig(image_size=64, patch_size=4, embed_dim=32,
                               depths=[2, 2], num_heads=[2, 4], window_size=4,
                               attn_implementation="eager")
        net = HFWrapper.make(torch, tf.SwinModel(config), ["pixel_values"],
                             ["last_hidden_state", "pooler_output"])
        x = torch.randn(1, 3, 64, 64, generator=gen)
        return (net, (x,), ["pixel_values"],
                ["last_hidden_state", "pooler_output"],
                "transformers SwinModel (image 64, patch 4, embed 32, depths "
                "2,2, heads 2,4, window 4)")
    if name == "gpt2_small":
        tf = hf_offline()
        config = tf.GPT2Config(vocab_size=VOCAB, n_positions=64, n_embd=128,
                               n_layer=2, n_head=4, use_cache=False,
                               attn_implementation="eager")
        net = HFWrapper.make(torch, tf.GPT2Model(config),
                             ["input_ids", "attention_mask"],
                             ["last_hidden_state"])
        ids = torch.randint(0, VOCAB, (1, 32), generator=gen)
        mask = torch.ones(1, 32, dtype=torch.int64)
        return (net, (ids, mask), ["input_ids", "attention_mask"],
                ["last_hidden_state"],
                "transformers GPT2Model (causal, seq 32, 2 layers, hidden 128, "
                "4 heads, vocabulary %d)" % VOCAB)
    if name == "llama_small":
        tf = hf_offline()
        config = tf.LlamaConfig(vocab_size=VOCAB, hidden_size=128,
                                intermediate_size=256, num_hidden_layers=2,
                                num_attention_heads=4, num_key_value_heads=2,
                                max_position_embeddings=64, use_cache=False,
                                attn_implementation="eager")
        net = HFWrapper.make(torch, tf.LlamaModel(config),
                             ["input_ids", "attention_mask"],
                             ["last_hidden_state"])
        ids = torch.randint(0, VOCAB, (1, 32), generator=gen)
        mask = torch.ones(1, 32, dtype=torch.int64)
        return (net, (ids, mask), ["input_ids", "attention_mask"],
                ["last_hidden_state"],
                "transformers LlamaModel (causal, seq 32, 2 layers, hidden "
                "128, 4 heads, 2 key-value heads, vocabulary %d)" % VOCAB)
    if name == "whisper_tiny":
        tf = hf_offline()
        config = tf.WhisperConfig(
            vocab_size=VOCAB, num_mel_bins=16, encoder_layers=2,
            decoder_layers=2, d_model=128, encoder_attention_heads=4,
            decoder_attention_heads=4, encoder_ffn_dim=256,
            decoder_ffn_dim=256, max_source_positions=32,
            max_target_positions=64, pad_token_id=1, bos_token_id=2,
            eos_token_id=2, decoder_start_token_id=3, use_cache=False,
            attn_implementation="eager")
        net = HFWrapper.make(torch, tf.WhisperModel(config),
                             ["input_features", "decoder_input_ids"],
                             ["last_hidden_state", "encoder_last_hidden_state"])
        x = torch.randn(1, 16, 64, generator=gen)
        ids = torch.randint(0, VOCAB, (1, 16), generator=gen)
        return (net, (x, ids), ["input_features", "decoder_input_ids"],
                ["last_hidden_state", "encoder_last_hidden_state"],
                "transformers WhisperModel (16 mel bins x 64 frames, 2+2 "
                "layers, d_model 128, 4 heads, decoder seq 16, vocabulary %d)"
                % VOCAB)
    if name in ("lstm", "gru"):
        nn = torch.nn

        class Recurrent(nn.Module):
            def __init__(self):
                super().__init__()
                if name == "lstm":
                    self.rnn = nn.LSTM(64, 128, num_layers=2,
                                       batch_first=True)
                    width = 128
                else:
                    self.rnn = nn.GRU(64, 128, num_layers=1,
                                      batch_first=True, bidirectional=True)
                    width = 256
                self.head = nn.Linear(width, 10)

            def forward(self, x):
                y, _ = self.rnn(x)
                return self.head(y)

        # The recurrences are unrolled at compile time (one kernel group
        # per step and direction): the bidirectional GRU over 16 steps.
        steps = 32 if name == "lstm" else 16
        x = torch.randn(1, steps, 64, generator=gen)
        what = ("nn.LSTM (2 layers, input 64, hidden 128)" if name == "lstm"
                else "nn.GRU (bidirectional, input 64, hidden 128)")
        return (Recurrent(), (x,), ["input"], ["output"],
                what + " over 1x%dx64 and a Linear head to 10" % steps)
    if name == "lraspp_mobilenet":
        import torchvision
        seg = torchvision.models.segmentation.lraspp_mobilenet_v3_large(
            weights=None, weights_backbone=None, num_classes=21)

        class Seg(torch.nn.Module):
            def __init__(self, m):
                super().__init__()
                self.m = m

            def forward(self, x):
                return self.m(x)["out"]

        net = Seg(seg)
        calibrate_batch_norm(net, torch, size=128)
        x = torch.randn(1, 3, 128, 128, generator=gen)
        return (net, (x,), ["input"], ["out"],
                "torchvision lraspp_mobilenet_v3_large (21 classes, "
                "1x3x128x128), BatchNorm statistics calibrated")
    raise ValueError("unknown model " + name)


def build(name, torch, bert_impl="auto"):
    torch.manual_seed(SEED)
    if name in ("resnet50", "mobilenet_v2"):
        import torchvision
        net = getattr(torchvision.models, name)(weights=None)
        x = torch.randn(1, 3, 224, 224)
        if name == "mobilenet_v2":
            calibrate_batch_norm(net, torch)
        return net, (x,), ["input"], ["logits"], "torchvision " + name
    if name == "bert_base":
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        transformers = None
        if bert_impl != "plain":
            try:
                import transformers
            except ImportError:
                if bert_impl == "transformers":
                    raise
        if transformers is not None:
            config = transformers.BertConfig()  # bert-base-uncased sizes
            # Plain softmax attention, not the fused SDPA kernel.
            config._attn_implementation = "eager"
            bert = transformers.BertModel(config)

            class Wrapper(torch.nn.Module):
                def __init__(self, m):
                    super().__init__()
                    self.m = m

                def forward(self, input_ids, attention_mask):
                    out = self.m(input_ids=input_ids,
                                 attention_mask=attention_mask,
                                 return_dict=False)
                    return out[0], out[1]

            net = Wrapper(bert)
            what = "transformers %s BertModel(BertConfig())" % \
                transformers.__version__
        else:
            net = plain_bert(torch)
            what = "plain-torch BERT-base encoder"
        gen = torch.Generator().manual_seed(SEED)
        ids = torch.randint(0, 30522, (1, BERT_SEQ), generator=gen)
        mask = torch.ones(1, BERT_SEQ, dtype=torch.int64)
        return (net, (ids, mask), ["input_ids", "attention_mask"],
                ["last_hidden_state", "pooler_output"], what)
    return build_family(name, torch)


def export(name, path, bert_impl):
    import torch
    net, inputs, in_names, out_names, what = build(name, torch, bert_impl)
    net.eval()
    tmp = path + ".tmp"
    start = time.time()
    with torch.no_grad():
        torch.onnx.export(net, inputs, tmp, opset_version=OPSET,
                          input_names=in_names, output_names=out_names,
                          do_constant_folding=True, dynamo=False)
    if name in ("gpt2_small", "llama_small", "whisper_tiny"):
        import onnx
        model = onnx.load(tmp)
        onnx.helper.set_model_props(model, {"vocab_size": str(VOCAB)})
        onnx.save(model, tmp)
    os.replace(tmp, path)
    print("exported %s (%s) to %s in %.1fs" % (name, what, path,
                                               time.time() - start),
          flush=True)


def verify_ort(name, path, bert_impl):
    """Runs the exported model with onnxruntime and compares it with the
    PyTorch module it came from (same seed, so the same weights)."""
    import numpy as np
    import onnxruntime
    import torch
    net, inputs, in_names, out_names, _ = build(name, torch, bert_impl)
    net.eval()
    with torch.no_grad():
        expected = net(*inputs)
    if isinstance(expected, torch.Tensor):
        expected = (expected,)
    session = onnxruntime.InferenceSession(
        path, providers=["CPUExecutionProvider"])
    got = session.run(out_names, {n: t.numpy()
                                  for n, t in zip(in_names, inputs)})
    worst = 0.0
    for e, g in zip(expected, got):
        e = e.numpy()
        if e.shape != g.shape:
            return False, "shape %s vs %s" % (e.shape, g.shape)
        worst = max(worst, float(np.max(np.abs(e - g)) /
                                 (np.max(np.abs(e)) + 1e-12)))
    return worst < 1e-4, "max relative difference %.2e" % worst


def check(dlc, name, path, timeout):
    """Imports one model; returns (ok, seconds, message)."""
    start = time.time()
    try:
        proc = subprocess.run([dlc, path, "--emit=graph", "-o", os.devnull],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, time.time() - start, "timed out after %ds" % timeout
    seconds = time.time() - start
    stderr = proc.stderr.decode(errors="replace")
    if proc.returncode == 0 and "runtime error:" not in stderr and \
            "Sanitizer" not in stderr:
        return True, seconds, ""
    lines = [re.sub(r"^.*?: error: ", "", l) for l in stderr.splitlines()
             if l.strip()]
    if proc.returncode < 0:
        lines.insert(0, "killed by signal %d" % -proc.returncode)
    elif proc.returncode not in (0, 1):
        lines.insert(0, "exit code %d" % proc.returncode)
    return False, seconds, "\n".join(lines[:8])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        ".cache", "models"), help="folder of the exported models")
    parser.add_argument("--models", default=",".join(MODELS),
                        help="comma-separated subset of " + ", ".join(MODELS))
    parser.add_argument("--force", action="store_true",
                        help="export again even when the file exists")
    parser.add_argument("--check", metavar="DLC",
                        help="import every model with this dlc")
    parser.add_argument("--bert-impl", default="auto",
                        choices=("auto", "transformers", "plain"),
                        help="BERT from transformers (auto: when installed) "
                             "or the plain-torch encoder")
    parser.add_argument("--verify-ort", action="store_true",
                        help="compare onnxruntime on each exported model "
                             "with the PyTorch module")
    parser.add_argument("--timeout", type=int, default=1200,
                        help="seconds per import")
    args = parser.parse_args()

    names = [n for n in args.models.split(",") if n]
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        sys.exit("export_models: unknown models: " + ", ".join(unknown))
    os.makedirs(args.cache, exist_ok=True)

    failures = 0
    steps = 0  # exports, onnxruntime comparisons and imports
    paths = {}
    for name in names:
        path = os.path.join(args.cache, name + ".onnx")
        if os.path.exists(path) and not args.force:
            print("cached %s: %s" % (name, path))
        else:
            steps += 1
            try:
                export(name, path, args.bert_impl)
            except Exception as e:  # report and go on with the others
                print("FAIL export %s: %s: %s" % (name, type(e).__name__, e))
                failures += 1
                continue
        paths[name] = path

    if args.verify_ort:
        for name, path in paths.items():
            steps += 1
            ok, message = verify_ort(name, path, args.bert_impl)
            print("%s onnxruntime vs torch %s: %s" % (
                "pass" if ok else "FAIL", name, message), flush=True)
            failures += 0 if ok else 1

    if args.check:
        for name, path in paths.items():
            steps += 1
            ok, seconds, message = check(args.check, name, path, args.timeout)
            print("%s import %s (%.1fs)" % ("pass" if ok else "FAIL", name,
                                            seconds), flush=True)
            for line in message.splitlines():
                print("    " + line)
            failures += 0 if ok else 1
    if steps:
        print("%d passed, %d failed" % (steps - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
