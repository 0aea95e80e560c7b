#!/usr/bin/env python3
"""Reference log-mel frames for LogMelTest, computed with NumPy only.

The mel filterbank follows librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False,
norm='slaney') line by line (librosa 0.10, filters.py); the framing is librosa.stft(center=False) with a
periodic Hann window of win_length=400 samples, except that each frame is the 400 samples themselves,
zero-padded at the end to n_fft (a shift that changes only the phase, not |X|^2, against librosa's centred
window padding). Power spectrum, mel, then ln(max(mel, 1e-10)).

Run (from this folder):  python3 logmel_reference.py
Writes logmel_ru_0003.npy: float64 [30, 80], frames 100..129 of ru_0003.wav at hop 160 (1.0 s .. 1.3 s).
"""
import wave

import numpy as np

SR, WIN, HOP, N_FFT, N_MELS = 16000, 400, 160, 512, 80
FIRST, COUNT = 100, 30


def hz_to_mel(f):
    f = np.asanyarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    log_t = f >= min_log_hz
    mels = np.where(log_t, min_log_mel + np.log(np.maximum(f, 1e-300) / min_log_hz) / logstep, mels)
    return mels


def mel_to_hz(m):
    m = np.asanyarray(m, dtype=np.float64)
    f_sp = 200.0 / 3
    freqs = f_sp * m
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    log_t = m >= min_log_mel
    return np.where(log_t, min_log_hz * np.exp(logstep * (m - min_log_mel)), freqs)


def mel_filters(sr, n_fft, n_mels, fmin, fmax):
    weights = np.zeros((n_mels, 1 + n_fft // 2))
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
    weights *= enorm[:, np.newaxis]
    return weights


def read_wav16(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1 and w.getframerate() == SR
        raw = w.readframes(w.getnframes())
    return np.frombuffer(raw, dtype="<i2").astype(np.float32).astype(np.float64) / 32768.0


def log_mel(x):
    n = np.arange(WIN)
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * n / WIN)  # scipy.signal.get_window('hann', 400, fftbins=True)
    frames = 1 + (len(x) - WIN) // HOP
    idx = np.arange(WIN)[None, :] + HOP * np.arange(frames)[:, None]
    spec = np.fft.rfft(x[idx] * hann, n=N_FFT, axis=1)
    power = np.abs(spec) ** 2
    mel = power @ mel_filters(SR, N_FFT, N_MELS, 0.0, SR / 2).T
    return np.log(np.maximum(mel, 1e-10))


if __name__ == "__main__":
    lm = log_mel(read_wav16("ru_0003.wav"))
    np.save("logmel_ru_0003.npy", lm[FIRST:FIRST + COUNT])
    print("frames", lm.shape, "saved", lm[FIRST:FIRST + COUNT].shape, "range", lm.min(), lm.max())
