package dev.jclip.experiments.kernels;

import dev.jclip.runtime.Convs;
import dev.jclip.runtime.FusedConv;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Which oneDNN convolutions die on this machine: runs each given shape once, printing it before
 * the call, so the last line before a native crash names the shape that killed the process.
 * Usage: {@code scripts/experiment.sh dev.jclip.experiments.kernels.ConvCrash MODE DTYPE N,C,O,H,K,S[,P] ...}
 * with MODE {@code fused} (FusedConv, channels-last), {@code nhwc} or {@code nchw} (plain conv2d),
 * {@code bwd} (channels-last conv2d forward and backward, as training runs it).
 */
public final class ConvCrash {
    private ConvCrash() {
    }

    public static void main(String[] args) {
        String mode = args[0];
        boolean bf16 = args[1].equals("bf16");
        torch.set_num_threads(Integer.getInteger("threads", 2));
        for (int i = 2; i < args.length; i++) {
            long[] s = java.util.Arrays.stream(args[i].split(",")).mapToLong(Long::parseLong).toArray();
            long n = s[0], c = s[1], o = s[2], h = s[3], k = s[4], stride = s[5], pad = s.length > 6 ? s[6] : k / 2;
            System.out.println("begin " + mode + " " + args[1] + " " + args[i]);
            System.out.flush();
            try (PointerScope scope = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
                Tensor x = torch.randn(n, c, h, h), w = torch.randn(o, c, k, k).mul_(new Scalar(0.05)), b = torch.randn(o);
                if (bf16) {
                    x = x.to(torch.ScalarType.BFloat16);
                    w = w.to(torch.ScalarType.BFloat16);
                    b = b.to(torch.ScalarType.BFloat16);
                }
                if (mode.equals("bwd")) {
                    try (var grad = new org.bytedeco.pytorch.AutoGradMode(true)) {
                        Tensor xi = x.detach().requires_grad_(true), wi = w.detach().requires_grad_(true);
                        Convs.oneDnn(xi, wi, stride, pad).sum().backward();
                        System.out.println("ok " + args[i] + " grads " + xi.grad().defined() + " " + wi.grad().defined());
                    }
                    System.out.flush();
                    continue;
                }
                Tensor y = switch (mode) {
                    case "fused" -> FusedConv.fused(x, w, b, stride, pad, null, true);
                    case "nhwc" -> Convs.oneDnn(x, w, stride, pad);
                    default -> torch.conv2d(x.contiguous(), w.contiguous(), new org.bytedeco.pytorch.TensorOptional(),
                            new long[]{stride, stride}, new long[]{pad, pad}, new long[]{1, 1}, 1);
                };
                System.out.println("ok " + args[i] + " " + java.util.Arrays.toString(y.sizes().vec().get()));
            }
            System.out.flush();
        }
    }
}
